-- The foreign key of entries.account costs more than it guards (see the producer's V3 for the
-- measurement): the batch moves the balance of every account its credits name, in one statement
-- whose row count must equal the number of those accounts (an always-on check, see EntryRows), so an
-- unknown account fails the check and rolls the batch back. Accounts are never deleted; the audit
-- checks every entry against the accounts as well.
ALTER TABLE entries DROP CONSTRAINT entries_account_fkey;

-- The guard runs its function only when an update changes the decision or takes a confirmation
-- back: the only updates it refuses. A confirmation no longer calls it.
DROP TRIGGER postings_decision_is_final ON postings;
CREATE TRIGGER postings_decision_is_final BEFORE UPDATE ON postings
  FOR EACH ROW WHEN (NEW.decision IS DISTINCT FROM OLD.decision OR NEW.cause IS DISTINCT FROM OLD.cause
                     OR (OLD.confirmed AND NOT NEW.confirmed))
  EXECUTE FUNCTION postings_decision_is_final();

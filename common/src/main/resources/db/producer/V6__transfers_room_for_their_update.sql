-- A transfer row is written twice: inserted at submit, updated once for its final outcome. Full
-- pages (fillfactor 100) had no room for the new version beside the old one, so most outcomes wrote
-- it on another page: the old version locked in a WAL record of its own while a page with room was
-- found, the new version logged whole, a fresh page started every few dozen transfers. Pages filled
-- to 45% leave room beside each row for its update, whose version is a little larger (it carries
-- finished_at). The update is still not a HOT one: it changes the status, which the re-send index's
-- predicate reads, so it adds a primary key entry all the same.
ALTER TABLE transfers SET (fillfactor = 45);

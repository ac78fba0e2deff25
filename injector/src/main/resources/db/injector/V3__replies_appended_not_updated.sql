-- The injector's record cost the machine as much as a participant: each submission was inserted,
-- then updated for every reply (a new row version, a trigger call, index entries when the version
-- left its page), checked against the runs table by a foreign key and counted back after its insert.
-- In the benchmark its database used 77 µs of CPU per transfer, a fifth of the whole machine's work.
-- Replies are now appended to a table of their own, without a unique index, foreign key or
-- row trigger, and `submissions` becomes a view that folds them into the same columns as before.
-- What the record promises is unchanged: a submission is stored before it is sent, and an
-- acknowledgement is never taken back (replies are never updated or deleted: a statement trigger
-- refuses it, and the view takes the OR of every reply's acknowledgement).

ALTER TABLE submissions RENAME TO submitted;

CREATE TABLE replies (
  id           uuid        NOT NULL,
  -- the producer answered ACCEPTED or DUPLICATE: from then on the transfer must reach a final outcome
  acknowledged boolean     NOT NULL,
  result       text        CHECK (result IN ('ACCEPTED', 'DUPLICATE', 'REFUSED')),
  state        text        CHECK (state IN ('PENDING', 'ACKED', 'OK', 'REJECTED')),
  refused_code text,
  attempts     integer     NOT NULL CHECK (attempts >= 0),
  replied_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((result = 'REFUSED') = (refused_code IS NOT NULL))
);
-- Ids are UUIDv7, time-ordered, and replies arrive in about the order of their submissions: a block
-- range index finds one transfer's replies (injector status) at almost no cost per insert.
CREATE INDEX replies_id ON replies USING brin (id);

INSERT INTO replies (id, acknowledged, result, state, refused_code, attempts, replied_at)
SELECT id, acknowledged, reply_result, reply_state, CASE WHEN reply_result = 'REFUSED' THEN refused_code END,
       attempts, coalesce(replied_at, submitted_at)
FROM submitted
WHERE acknowledged OR reply_result IS NOT NULL OR reply_state IS NOT NULL OR attempts > 0;

DROP VIEW submission_summary;
DROP TRIGGER submissions_acknowledged_stays ON submitted;
DROP FUNCTION submissions_acknowledged_stays();
ALTER TABLE submitted
  DROP CONSTRAINT submissions_run_id_fkey,
  DROP COLUMN acknowledged,
  DROP COLUMN attempts,
  DROP COLUMN reply_result,
  DROP COLUMN reply_state,
  DROP COLUMN refused_code,
  DROP COLUMN replied_at,
  SET (fillfactor = 100);

CREATE FUNCTION replies_are_appended_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'replies are never changed or removed, refusing % on replies', TG_OP;
END $$;

CREATE TRIGGER replies_are_appended_only BEFORE UPDATE OR DELETE ON replies
  FOR EACH STATEMENT EXECUTE FUNCTION replies_are_appended_only();

-- Every submission with what its replies said: acknowledged if any reply acknowledged it, the result
-- (and refusal code) of the last reply that had one, the last state a reply named, the most attempts.
-- The result and its code come from the same reply: same filter, same order.
CREATE VIEW submissions AS
SELECT s.id, s.run_id, s.producer, s.consumer, s.payer, s.payee, s.amount, s.currency, s.intent, s.submitted_at,
       coalesce(r.acknowledged, false) AS acknowledged,
       coalesce(r.attempts, 0)         AS attempts,
       r.reply_result, r.reply_state, r.refused_code, r.replied_at
FROM submitted s
LEFT JOIN (
  SELECT id,
         bool_or(acknowledged) AS acknowledged,
         max(attempts)         AS attempts,
         (array_agg(result ORDER BY replied_at DESC) FILTER (WHERE result IS NOT NULL))[1]       AS reply_result,
         (array_agg(refused_code ORDER BY replied_at DESC) FILTER (WHERE result IS NOT NULL))[1] AS refused_code,
         (array_agg(state ORDER BY replied_at DESC) FILTER (WHERE state IS NOT NULL))[1]         AS reply_state,
         max(replied_at)       AS replied_at
  FROM replies GROUP BY id
) r ON r.id = s.id;

CREATE VIEW submission_summary AS
SELECT run_id, intent, acknowledged, reply_result, coalesce(reply_state, '-') AS last_known_state,
       refused_code, count(*) AS submissions, sum(amount) AS amount
FROM submissions
GROUP BY run_id, intent, acknowledged, reply_result, reply_state, refused_code;

-- Every write of a store transaction must touch exactly the rows it names, one per key: fewer means a
-- key was not found, more that keys repeated, and either is a programmer error that must not commit.
-- The client used to check each write's row count when the result came back, which made the commit a
-- round trip of its own (a wrong count had to be seen before the commit was sent). The server now
-- checks it inside the statement itself, so a transaction's last writes and its COMMIT travel together:
--
--   WITH touched AS (<the write> RETURNING 1) SELECT natsbank_expect_rows(count(*), <expected>, <what>) FROM touched
--
-- A wrong count raises SQLSTATE NB001, which aborts the transaction: the COMMIT queued after it never
-- runs and the client rolls back, as it did before. The client reads the count back and checks it too.
CREATE FUNCTION natsbank_expect_rows(touched bigint, expected integer, what text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF touched <> expected THEN
    RAISE EXCEPTION '% touches each of its rows exactly once (% rows touched for % keys)', what, touched, expected
      USING ERRCODE = 'NB001';
  END IF;
  RETURN touched;
END $$;

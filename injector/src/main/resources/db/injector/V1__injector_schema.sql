-- The injector's own database: every transfer it submitted, recorded BEFORE it was sent, and what
-- the producer answered. It is the audit's independent record of "accepted": a transfer acknowledged
-- here but missing at its producer was lost; a transfer a producer holds that is missing here was
-- never submitted by anybody.

CREATE TABLE runs (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  transfers   bigint      NOT NULL CHECK (transfers >= 0),
  seed        bigint      NOT NULL,
  mix         text        NOT NULL,
  finished_at timestamptz,
  summary     text
);

CREATE TABLE submissions (
  id           uuid        PRIMARY KEY,
  run_id       bigint      REFERENCES runs (id),
  producer     text        NOT NULL,
  consumer     text        NOT NULL,
  payer        text        NOT NULL,
  payee        text        NOT NULL,
  amount       numeric     NOT NULL CHECK (amount > 0),
  currency     text        NOT NULL,
  intent       text        NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  -- the producer answered ACCEPTED or DUPLICATE: from then on the transfer must reach a final outcome
  acknowledged boolean     NOT NULL DEFAULT false,
  attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  reply_result text        CHECK (reply_result IN ('ACCEPTED', 'DUPLICATE', 'REFUSED')),
  reply_state  text        CHECK (reply_state IN ('PENDING', 'ACKED', 'OK', 'REJECTED')),
  refused_code text,
  replied_at   timestamptz,
  CHECK ((reply_result = 'REFUSED') = (refused_code IS NOT NULL))
);

CREATE INDEX submissions_run ON submissions (run_id);

-- An acknowledgement is never taken back.
CREATE FUNCTION submissions_acknowledged_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.acknowledged AND NOT NEW.acknowledged THEN
    RAISE EXCEPTION 'submission % was acknowledged, refusing to take it back', OLD.id;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER submissions_acknowledged_stays BEFORE UPDATE ON submissions
  FOR EACH ROW EXECUTE FUNCTION submissions_acknowledged_stays();

-- What psql users query.
CREATE VIEW submission_summary AS
SELECT run_id, intent, acknowledged, reply_result, coalesce(reply_state, '-') AS last_known_state,
       refused_code, count(*) AS submissions, sum(amount) AS amount
FROM submissions
GROUP BY run_id, intent, acknowledged, reply_result, reply_state, refused_code;

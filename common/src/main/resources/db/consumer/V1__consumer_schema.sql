-- The consumer's database: payee accounts, the decision taken for each posting, every credit.

CREATE TABLE accounts (
  id              text        PRIMARY KEY,
  currency        text        NOT NULL,
  balance         numeric     NOT NULL CHECK (balance >= 0),
  opening_balance numeric     NOT NULL CHECK (opening_balance >= 0),
  closed          boolean     NOT NULL DEFAULT false,
  credit_max      numeric     CHECK (credit_max > 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE postings (
  id             uuid        PRIMARY KEY,
  producer       text        NOT NULL,
  consumer       text        NOT NULL,
  payer          text        NOT NULL,
  payee          text        NOT NULL,
  amount         numeric     NOT NULL CHECK (amount > 0),
  currency       text        NOT NULL,
  decision       text        NOT NULL CHECK (decision IN ('OK', 'REJECTED')),
  cause          text,
  reason         text,
  confirmed      boolean     NOT NULL DEFAULT false,
  responses      integer     NOT NULL CHECK (responses >= 1),
  next_resend_at timestamptz NOT NULL,
  decided_at     timestamptz NOT NULL,
  confirmed_at   timestamptz,
  CHECK ((decision = 'REJECTED') = (cause IS NOT NULL)),
  CHECK (confirmed = (confirmed_at IS NOT NULL))
);

CREATE INDEX postings_due ON postings (next_resend_at) WHERE NOT confirmed;
CREATE INDEX postings_decided ON postings (decided_at);

CREATE TABLE entries (
  transfer_id uuid        NOT NULL,
  kind        text        NOT NULL CHECK (kind = 'CREDIT'),
  account     text        NOT NULL REFERENCES accounts (id),
  amount      numeric     NOT NULL CHECK (amount > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transfer_id, kind)
);

-- A decision, once stored, never changes; a confirmation is never taken back.
CREATE FUNCTION postings_decision_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.decision <> OLD.decision OR NEW.cause IS DISTINCT FROM OLD.cause THEN
    RAISE EXCEPTION 'posting % was decided %, refusing to change it to %', OLD.id, OLD.decision, NEW.decision;
  END IF;
  IF OLD.confirmed AND NOT NEW.confirmed THEN
    RAISE EXCEPTION 'posting % is confirmed, refusing to unconfirm it', OLD.id;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER postings_decision_is_final BEFORE UPDATE ON postings
  FOR EACH ROW EXECUTE FUNCTION postings_decision_is_final();

CREATE VIEW posting_status AS
SELECT p.id            AS transfer_id,
       p.producer,
       p.consumer,
       p.payer,
       p.payee,
       p.amount,
       p.currency,
       p.decision,
       p.cause,
       p.reason,
       p.confirmed,
       p.responses     AS responses_sent,
       p.decided_at,
       p.confirmed_at,
       CASE WHEN p.confirmed THEN NULL ELSE p.next_resend_at END AS next_resend_at
FROM postings p;

CREATE VIEW posting_summary AS
SELECT decision, confirmed, count(*) AS postings, sum(amount) AS amount,
       min(decided_at) AS oldest_decided_at
FROM postings GROUP BY decision, confirmed;

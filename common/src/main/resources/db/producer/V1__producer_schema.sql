-- The producer's database: payer accounts, the transfers it submitted, and every money movement.
-- Amounts are numeric at the currency's scale (never floating point).

CREATE TABLE accounts (
  id              text        PRIMARY KEY,
  currency        text        NOT NULL,
  balance         numeric     NOT NULL CHECK (balance >= 0),
  opening_balance numeric     NOT NULL CHECK (opening_balance >= 0),
  closed          boolean     NOT NULL DEFAULT false,
  credit_max      numeric     CHECK (credit_max > 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transfers (
  id              uuid        PRIMARY KEY,
  producer        text        NOT NULL,
  consumer        text        NOT NULL,
  payer           text        NOT NULL REFERENCES accounts (id),
  payee           text        NOT NULL,
  amount          numeric     NOT NULL CHECK (amount > 0),
  currency        text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('PENDING', 'ACKED', 'OK', 'REJECTED')),
  cause           text,
  reason          text,
  sent            boolean     NOT NULL,
  attempts        integer     NOT NULL CHECK (attempts >= 0),
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  CHECK ((status = 'REJECTED') = (cause IS NOT NULL)),
  CHECK ((status IN ('OK', 'REJECTED')) = (finished_at IS NOT NULL))
);

-- Re-send scans read only unfinished transfers: a partial index keeps them cheap however large
-- the table grows.
CREATE INDEX transfers_due ON transfers (next_attempt_at) WHERE status IN ('PENDING', 'ACKED');
CREATE INDEX transfers_created ON transfers (created_at);

-- One entry per (transfer, kind): a debit or refund can never be recorded twice.
CREATE TABLE entries (
  transfer_id uuid        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('DEBIT', 'REFUND')),
  account     text        NOT NULL REFERENCES accounts (id),
  amount      numeric     NOT NULL CHECK (amount > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transfer_id, kind)
);

-- A final outcome never changes: a guard in the database as well as in the code.
CREATE FUNCTION transfers_final_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('OK', 'REJECTED') AND (NEW.status <> OLD.status OR NEW.cause IS DISTINCT FROM OLD.cause) THEN
    RAISE EXCEPTION 'transfer % is final as %, refusing to change it to %', OLD.id, OLD.status, NEW.status;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER transfers_final_is_final BEFORE UPDATE ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_final_is_final();

-- What psql users query: the state of each transfer, in plain words.
CREATE VIEW transfer_status AS
SELECT t.id                                        AS transfer_id,
       t.producer,
       t.consumer,
       t.payer,
       t.payee,
       t.amount,
       t.currency,
       t.status                                    AS state,
       t.status IN ('OK', 'REJECTED')              AS final,
       t.cause,
       t.reason,
       t.attempts                                  AS postings_sent,
       t.created_at                                AS submitted_at,
       t.finished_at,
       t.next_attempt_at                           AS next_resend_at,
       coalesce(t.finished_at, now()) - t.created_at AS age
FROM transfers t;

CREATE VIEW transfer_summary AS
SELECT status AS state, count(*) AS transfers, sum(amount) AS amount,
       min(created_at) AS oldest_submitted_at
FROM transfers GROUP BY status;

-- transfer_status showed the last scheduled re-send time for finished transfers too, as if a
-- re-send were still coming. A finished transfer is never re-sent: show NULL, as posting_status does
-- for confirmed postings. Same columns, same order, so CREATE OR REPLACE keeps every grant and user.
CREATE OR REPLACE VIEW transfer_status AS
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
       CASE WHEN t.status IN ('PENDING', 'ACKED') THEN t.next_attempt_at END AS next_resend_at,
       coalesce(t.finished_at, now()) - t.created_at AS age
FROM transfers t;

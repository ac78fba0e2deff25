package io.natsbank.store.pg;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** The producer's {@code transfers} rows to and from {@link ProducerTransfer} records, field for field. */
final class TransferRows {
  static final String COLUMNS = "id, producer, consumer, payer, payee, amount, currency, status, cause, reason, "
      + "sent, attempts, next_attempt_at, created_at, finished_at";
  /** The element type of each column of {@link #COLUMNS}, in order. */
  static final String[] INSERT_TYPES = {"uuid", "text", "text", "text", "text", "numeric", "text", "text", "text",
      "text", "bool", "int4", "timestamptz", "timestamptz", "timestamptz"};
  /** A whole batch in one statement: one array per column, spread back into rows. */
  static final String INSERT_SQL =
      "INSERT INTO transfers (" + COLUMNS + ") SELECT * FROM unnest(" + Sql.arrayParameters(INSERT_TYPES) + ")";
  static final String[] UPDATE_TYPES = {"uuid", "text", "text", "text", "bool", "int4", "timestamptz", "timestamptz"};
  /** The terms never change, so only the state is written; one statement per batch. */
  static final String UPDATE_SET = "status = u.status, cause = u.cause, reason = u.reason, sent = u.sent, "
      + "attempts = u.attempts, next_attempt_at = u.next_attempt_at, finished_at = u.finished_at";
  static final String UPDATE_COLUMNS = "id, status, cause, reason, sent, attempts, next_attempt_at, finished_at";

  private TransferRows() {}

  static void addInsert(ColumnArrays row, ProducerTransfer transfer) {
    TransferTerms terms = transfer.terms();
    row.set(0, transfer.id())
        .set(1, terms.producer())
        .set(2, terms.consumer())
        .set(3, terms.payer())
        .set(4, terms.payee())
        .setDecimal(5, terms.amount().amount())
        .set(6, terms.amount().currency().name())
        .set(7, transfer.status().name())
        .setText(8, transfer.cause())
        .set(9, transfer.reason())
        .set(10, transfer.sent())
        .set(11, transfer.attempts())
        .setOptionalInstant(12, transfer.nextAttemptAtMillis())
        .setInstant(13, transfer.createdAtMillis())
        .setOptionalInstant(14, transfer.finishedAtMillis());
  }

  static void addUpdate(ColumnArrays row, ProducerTransfer transfer) {
    row.set(0, transfer.id())
        .set(1, transfer.status().name())
        .setText(2, transfer.cause())
        .set(3, transfer.reason())
        .set(4, transfer.sent())
        .set(5, transfer.attempts())
        .setOptionalInstant(6, transfer.nextAttemptAtMillis())
        .setOptionalInstant(7, transfer.finishedAtMillis());
  }

  static ProducerTransfer transfer(ResultSet row) throws SQLException {
    Currency currency = Currency.parse(row.getString("currency"));
    Money amount = new Money(Sql.decimal(row, "amount", currency.scale()), currency);
    TransferTerms terms = new TransferTerms(row.getString("producer"), row.getString("consumer"),
        row.getString("payer"), row.getString("payee"), amount);
    String cause = row.getString("cause");
    return new ProducerTransfer(
        row.getObject("id", UUID.class),
        terms,
        TransferStatus.valueOf(row.getString("status")),
        cause == null ? null : RejectCause.valueOf(cause),
        row.getString("reason"),
        row.getBoolean("sent"),
        row.getInt("attempts"),
        Sql.epochMillis(row, "next_attempt_at"),
        Sql.epochMillis(row, "created_at"),
        Sql.epochMillis(row, "finished_at"));
  }
}

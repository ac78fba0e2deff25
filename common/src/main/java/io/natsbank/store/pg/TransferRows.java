package io.natsbank.store.pg;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** The producer's {@code transfers} rows to and from {@link ProducerTransfer} records, field for field. */
final class TransferRows {
  static final String COLUMNS = "id, producer, consumer, payer, payee, amount, currency, status, cause, reason, "
      + "sent, attempts, next_attempt_at, created_at, finished_at";
  static final String INSERT_SQL =
      "INSERT INTO transfers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** The terms never change, so only the state is written. */
  static final String UPDATE_SQL = "UPDATE transfers SET status = ?, cause = ?, reason = ?, sent = ?, attempts = ?, "
      + "next_attempt_at = ?, finished_at = ? WHERE id = ?";

  private TransferRows() {}

  static void bindInsert(PreparedStatement statement, ProducerTransfer transfer) throws SQLException {
    TransferTerms terms = transfer.terms();
    statement.setObject(1, transfer.id());
    statement.setString(2, terms.producer());
    statement.setString(3, terms.consumer());
    statement.setString(4, terms.payer());
    statement.setString(5, terms.payee());
    statement.setBigDecimal(6, terms.amount().amount());
    statement.setString(7, terms.amount().currency().name());
    statement.setString(8, transfer.status().name());
    Sql.setOptionalText(statement, 9, transfer.cause());
    Sql.setOptionalText(statement, 10, transfer.reason());
    statement.setBoolean(11, transfer.sent());
    statement.setInt(12, transfer.attempts());
    Sql.setOptionalInstant(statement, 13, transfer.nextAttemptAtMillis());
    Sql.setInstant(statement, 14, transfer.createdAtMillis());
    Sql.setOptionalInstant(statement, 15, transfer.finishedAtMillis());
  }

  static void bindUpdate(PreparedStatement statement, ProducerTransfer transfer) throws SQLException {
    statement.setString(1, transfer.status().name());
    Sql.setOptionalText(statement, 2, transfer.cause());
    Sql.setOptionalText(statement, 3, transfer.reason());
    statement.setBoolean(4, transfer.sent());
    statement.setInt(5, transfer.attempts());
    Sql.setOptionalInstant(statement, 6, transfer.nextAttemptAtMillis());
    Sql.setOptionalInstant(statement, 7, transfer.finishedAtMillis());
    statement.setObject(8, transfer.id());
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

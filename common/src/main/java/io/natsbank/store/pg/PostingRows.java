package io.natsbank.store.pg;

import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferTerms;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** The consumer's {@code postings} rows to and from {@link ConsumerPosting} records, field for field. */
final class PostingRows {
  static final String COLUMNS = "id, producer, consumer, payer, payee, amount, currency, decision, cause, reason, "
      + "confirmed, responses, next_resend_at, decided_at, confirmed_at";
  static final String INSERT_SQL =
      "INSERT INTO postings (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /**
   * The terms never change. The decision is written too, although it never changes either: the
   * trigger {@code postings_decision_is_final} then refuses a programmer error instead of hiding it.
   */
  static final String UPDATE_SQL = "UPDATE postings SET decision = ?, cause = ?, reason = ?, confirmed = ?, "
      + "responses = ?, next_resend_at = ?, confirmed_at = ? WHERE id = ?";

  private PostingRows() {}

  static void bindInsert(PreparedStatement statement, ConsumerPosting posting) throws SQLException {
    TransferTerms terms = posting.terms();
    statement.setObject(1, posting.id());
    statement.setString(2, terms.producer());
    statement.setString(3, terms.consumer());
    statement.setString(4, terms.payer());
    statement.setString(5, terms.payee());
    statement.setBigDecimal(6, terms.amount().amount());
    statement.setString(7, terms.amount().currency().name());
    statement.setString(8, posting.decision().name());
    Sql.setOptionalText(statement, 9, posting.cause());
    Sql.setOptionalText(statement, 10, posting.reason());
    statement.setBoolean(11, posting.confirmed());
    statement.setInt(12, posting.responses());
    Sql.setInstant(statement, 13, posting.nextResendAtMillis());
    Sql.setInstant(statement, 14, posting.decidedAtMillis());
    Sql.setOptionalInstant(statement, 15, posting.confirmedAtMillis());
  }

  static void bindUpdate(PreparedStatement statement, ConsumerPosting posting) throws SQLException {
    statement.setString(1, posting.decision().name());
    Sql.setOptionalText(statement, 2, posting.cause());
    Sql.setOptionalText(statement, 3, posting.reason());
    statement.setBoolean(4, posting.confirmed());
    statement.setInt(5, posting.responses());
    Sql.setInstant(statement, 6, posting.nextResendAtMillis());
    Sql.setOptionalInstant(statement, 7, posting.confirmedAtMillis());
    statement.setObject(8, posting.id());
  }

  static ConsumerPosting posting(ResultSet row) throws SQLException {
    Currency currency = Currency.parse(row.getString("currency"));
    Money amount = new Money(Sql.decimal(row, "amount", currency.scale()), currency);
    TransferTerms terms = new TransferTerms(row.getString("producer"), row.getString("consumer"),
        row.getString("payer"), row.getString("payee"), amount);
    String cause = row.getString("cause");
    return new ConsumerPosting(
        row.getObject("id", UUID.class),
        terms,
        Outcome.valueOf(row.getString("decision")),
        cause == null ? null : RejectCause.valueOf(cause),
        row.getString("reason"),
        row.getBoolean("confirmed"),
        row.getInt("responses"),
        Sql.epochMillis(row, "next_resend_at"),
        Sql.epochMillis(row, "decided_at"),
        Sql.epochMillis(row, "confirmed_at"));
  }
}

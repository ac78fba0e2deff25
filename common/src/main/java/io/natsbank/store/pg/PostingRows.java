package io.natsbank.store.pg;

import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferTerms;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** The consumer's {@code postings} rows to and from {@link ConsumerPosting} records, field for field. */
final class PostingRows {
  static final String COLUMNS = "id, producer, consumer, payer, payee, amount, currency, decision, cause, reason, "
      + "confirmed, responses, next_resend_at, decided_at, confirmed_at";
  /** The element type of each column of {@link #COLUMNS}, in order. */
  static final String[] INSERT_TYPES = {"uuid", "text", "text", "text", "text", "numeric", "text", "text", "text",
      "text", "bool", "int4", "timestamptz", "timestamptz", "timestamptz"};
  /** A whole batch in one statement: one array per column, spread back into rows. */
  static final String INSERT_SQL =
      "INSERT INTO postings (" + COLUMNS + ") SELECT * FROM unnest(" + Sql.arrayParameters(INSERT_TYPES) + ")";
  static final String[] UPDATE_TYPES = {"uuid", "text", "text", "text", "bool", "int4", "timestamptz", "timestamptz"};
  /**
   * The terms never change. The decision is written too, although it never changes either: the
   * trigger {@code postings_decision_is_final} then refuses a programmer error instead of hiding it.
   */
  static final String UPDATE_SET = "decision = u.decision, cause = u.cause, reason = u.reason, "
      + "confirmed = u.confirmed, responses = u.responses, next_resend_at = u.next_resend_at, "
      + "confirmed_at = u.confirmed_at";
  static final String UPDATE_COLUMNS =
      "id, decision, cause, reason, confirmed, responses, next_resend_at, confirmed_at";

  private PostingRows() {}

  static void addInsert(ColumnArrays row, ConsumerPosting posting) {
    TransferTerms terms = posting.terms();
    row.set(0, posting.id())
        .set(1, terms.producer())
        .set(2, terms.consumer())
        .set(3, terms.payer())
        .set(4, terms.payee())
        .setDecimal(5, terms.amount().amount())
        .set(6, terms.amount().currency().name())
        .set(7, posting.decision().name())
        .setText(8, posting.cause())
        .set(9, posting.reason())
        .set(10, posting.confirmed())
        .set(11, posting.responses())
        .setInstant(12, posting.nextResendAtMillis())
        .setInstant(13, posting.decidedAtMillis())
        .setOptionalInstant(14, posting.confirmedAtMillis());
  }

  static void addUpdate(ColumnArrays row, ConsumerPosting posting) {
    row.set(0, posting.id())
        .set(1, posting.decision().name())
        .setText(2, posting.cause())
        .set(3, posting.reason())
        .set(4, posting.confirmed())
        .set(5, posting.responses())
        .setInstant(6, posting.nextResendAtMillis())
        .setOptionalInstant(7, posting.confirmedAtMillis());
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

package io.natsbank.injector;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/**
 * The compact rows the audit streams out of each database. Text columns stay text (an audit must
 * read whatever is stored, however wrong); amounts are BigDecimal.
 */
public final class AuditRows {
  private AuditRows() {}

  /** What a transfer is, as one database states it. Amounts compare by value (12.3 equals 12.30). */
  public record Terms(String producer, String consumer, String payer, String payee, BigDecimal amount,
      String currency) {
    public Terms {
      Objects.requireNonNull(amount, "amount");
    }

    public boolean sameAs(Terms other) {
      return producer.equals(other.producer) && consumer.equals(other.consumer) && payer.equals(other.payer)
          && payee.equals(other.payee) && amount.compareTo(other.amount) == 0 && currency.equals(other.currency);
    }

    @Override
    public String toString() {
      return payer + "@" + producer + " -> " + payee + "@" + consumer + " " + amount.toPlainString() + " " + currency;
    }
  }

  /** A row of the injector's submissions table. */
  public record SubmissionRow(UUID id, Terms terms, boolean acknowledged) {}

  /** A row of a producer's transfers table; {@code database} is the producer whose database holds it. */
  public record TransferRow(UUID id, String database, Terms terms, String status, String cause, boolean sent) {
    public boolean isFinal() {
      return "OK".equals(status) || "REJECTED".equals(status);
    }
  }

  /** A row of a consumer's postings table; {@code database} is the consumer whose database holds it. */
  public record PostingRow(UUID id, String database, Terms terms, String decision, String cause, boolean confirmed) {}

  /**
   * An entry (DEBIT, REFUND or CREDIT) in a participant's database; {@code currency} is its account's,
   * null when the account does not exist.
   */
  public record EntryRow(UUID transferId, String database, String kind, String account, BigDecimal amount,
      String currency) {}
}

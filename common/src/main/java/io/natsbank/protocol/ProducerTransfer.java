package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * A transfer as its producer stores it. {@code attempts} counts postings sent; {@code sent} is false
 * only for transfers rejected at once (never posted). Timestamps are epoch milliseconds; 0 = not yet.
 */
public record ProducerTransfer(
    UUID id,
    TransferTerms terms,
    TransferStatus status,
    RejectCause cause,
    String reason,
    boolean sent,
    int attempts,
    long nextAttemptAtMillis,
    long createdAtMillis,
    long finishedAtMillis) {

  public ProducerTransfer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(status, "status");
    Invariants.check((status == TransferStatus.REJECTED) == (cause != null), "cause set iff REJECTED", id);
    Invariants.check(status.isFinal() == (finishedAtMillis != 0), "finishedAt set iff final", id);
  }

  public Outcome outcome() {
    return switch (status) {
      case OK -> Outcome.OK;
      case REJECTED -> Outcome.REJECTED;
      case PENDING, ACKED -> null;
    };
  }

  ProducerTransfer withStatus(TransferStatus newStatus, RejectCause newCause, String newReason, long now) {
    return new ProducerTransfer(
        id, terms, newStatus, newCause, newReason, sent, attempts, nextAttemptAtMillis, createdAtMillis,
        newStatus.isFinal() ? now : 0);
  }

  ProducerTransfer withAttempt(int newAttempts, long newNextAttemptAtMillis) {
    return new ProducerTransfer(
        id, terms, status, cause, reason, sent, newAttempts, newNextAttemptAtMillis, createdAtMillis,
        finishedAtMillis);
  }
}

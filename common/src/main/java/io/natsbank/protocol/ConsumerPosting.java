package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * A transfer as its consumer stores it: the decision, taken once and never changed, and whether the
 * producer has confirmed it. {@code responses} counts responses sent. Timestamps are epoch millis.
 */
public record ConsumerPosting(
    UUID id,
    TransferTerms terms,
    Outcome decision,
    RejectCause cause,
    String reason,
    boolean confirmed,
    int responses,
    long nextResendAtMillis,
    long decidedAtMillis,
    long confirmedAtMillis) {

  public ConsumerPosting {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(decision, "decision");
    Invariants.check(decision.isFinal(), "a stored decision is final", id);
    Invariants.check((decision == Outcome.REJECTED) == (cause != null), "cause set iff REJECTED", id);
    Invariants.check(confirmed == (confirmedAtMillis != 0), "confirmedAt set iff confirmed", id);
  }

  ConsumerPosting withResponseSent(int newResponses, long newNextResendAtMillis) {
    return new ConsumerPosting(
        id, terms, decision, cause, reason, confirmed, newResponses, newNextResendAtMillis, decidedAtMillis,
        confirmedAtMillis);
  }

  ConsumerPosting withConfirmed(long now) {
    return new ConsumerPosting(
        id, terms, decision, cause, reason, true, responses, nextResendAtMillis, decidedAtMillis, now);
  }
}

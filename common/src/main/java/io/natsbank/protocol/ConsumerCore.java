package io.natsbank.protocol;

import io.natsbank.protocol.Refusal.Code;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The consumer's state machine: pure and deterministic. It decides each posting once (the decision
 * is stored and never changes), answers duplicates with the stored decision, re-sends the answer
 * until the producer confirms it.
 *
 * <pre>
 *   posting ─▶ decided OK (credit payee) | REJECTED(cause) ─▶ response, re-sent with backoff
 *   confirm ─▶ confirmed (re-sends stop)
 * </pre>
 *
 * Methods are overridable only so that tests can plant bugs and prove the checkers catch them.
 */
public class ConsumerCore {

  /** Who this consumer is, whom it serves (empty = any producer) and how it re-sends. */
  public record Settings(String self, Set<String> producers, Backoff backoff) {
    public Settings {
      Names.participant("self", self);
      producers = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(producers));
      producers.forEach(name -> Names.participant("producers", name));
      Objects.requireNonNull(backoff, "backoff");
    }
  }

  public sealed interface PostingDecision {
    record Refused(Refusal refusal) implements PostingDecision {}

    /** Seen before: answer with the stored decision, change nothing. */
    record Duplicate(Response response) implements PostingDecision {}

    /** First sight: store the decision, credit the payee if OK ({@code credit} may be null), answer. */
    record Decided(ConsumerPosting posting, Entry credit, Response response) implements PostingDecision {}
  }

  public sealed interface ConfirmDecision {
    record Refused(Refusal refusal) implements ConfirmDecision {}

    record AlreadyConfirmed() implements ConfirmDecision {}

    record Confirmed(ConsumerPosting posting) implements ConfirmDecision {}
  }

  /** A response re-sent because no confirm came in time. */
  public record Resend(ConsumerPosting posting, Response response) {}

  private final Settings settings;

  public ConsumerCore(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Decides a posting. {@code existing} is the stored decision for this transfer id (or null);
   * {@code payee} is the payee account (or null if it does not exist here).
   */
  public PostingDecision onPosting(
      Posting posting, ConsumerPosting existing, Account payee, long nowMillis, RandomGenerator random) {
    if (!posting.consumer().equals(settings.self())) {
      return refusedPosting(Code.WRONG_RECIPIENT,
          "posting is addressed to consumer '" + posting.consumer() + "', this is " + settings.self());
    }
    if (!settings.producers().isEmpty() && !settings.producers().contains(posting.producer())) {
      return refusedPosting(Code.UNKNOWN_PARTICIPANT,
          "producer '" + posting.producer() + "' is not one of " + settings.producers());
    }
    if (existing != null) {
      if (!existing.terms().equals(posting.terms())) {
        return refusedPosting(Code.TRANSFER_ID_REUSED, "transfer " + posting.transferId()
            + " was decided with other terms " + ProducerCore.describe(existing.terms()));
      }
      return new PostingDecision.Duplicate(responseFor(existing, existing.responses() + 1));
    }
    return decide(posting, payee, nowMillis, random);
  }

  protected PostingDecision decide(Posting posting, Account payee, long nowMillis, RandomGenerator random) {
    TransferTerms terms = posting.terms();
    RejectCause cause = null;
    String reason = null;
    if (payee == null) {
      cause = RejectCause.UNKNOWN_ACCOUNT;
      reason = "payee account '" + terms.payee() + "' does not exist at " + settings.self();
    } else if (payee.closed()) {
      cause = RejectCause.ACCOUNT_CLOSED;
      reason = "payee account '" + terms.payee() + "' is closed";
    } else if (payee.currency() != terms.amount().currency()) {
      cause = RejectCause.CURRENCY_MISMATCH;
      reason = "payee account holds " + payee.currency() + ", not " + terms.amount().currency();
    } else if (payee.creditMax() != null && terms.amount().amount().compareTo(payee.creditMax()) > 0) {
      cause = RejectCause.OVER_LIMIT;
      reason = "amount is over the payee's limit of " + payee.creditMax().toPlainString();
    }
    Outcome decision = cause == null ? Outcome.OK : Outcome.REJECTED;
    ConsumerPosting stored = new ConsumerPosting(posting.transferId(), terms, decision, cause, reason, false, 1,
        nowMillis + settings.backoff().delayMillis(1, random), nowMillis, 0);
    Entry credit = decision == Outcome.OK
        ? new Entry(posting.transferId(), terms.payee(), Entry.Kind.CREDIT, terms.amount().amount())
        : null;
    return new PostingDecision.Decided(stored, credit, responseFor(stored, 1));
  }

  /** Decides a confirm for the stored decision {@code existing} (null if this consumer never decided it). */
  public ConfirmDecision onConfirm(Confirm confirm, ConsumerPosting existing, long nowMillis) {
    if (!confirm.consumer().equals(settings.self())) {
      return refusedConfirm(Code.WRONG_RECIPIENT,
          "confirm is addressed to consumer '" + confirm.consumer() + "', this is " + settings.self());
    }
    if (existing == null) {
      return refusedConfirm(Code.UNKNOWN_TRANSFER, "no decision for transfer " + confirm.transferId() + " here");
    }
    if (!confirm.producer().equals(existing.terms().producer())) {
      return refusedConfirm(Code.WRONG_RECIPIENT, "confirm from producer '" + confirm.producer()
          + "' for a transfer of '" + existing.terms().producer() + "'");
    }
    if (confirm.outcome() != existing.decision()) {
      return refusedConfirm(Code.CONTRADICTORY, "confirm says " + confirm.outcome() + " but the decision for "
          + existing.id() + " is " + existing.decision());
    }
    if (existing.confirmed()) {
      return new ConfirmDecision.AlreadyConfirmed();
    }
    return new ConfirmDecision.Confirmed(existing.withConfirmed(nowMillis));
  }

  /** The decision is due for a re-send: count it and schedule the next one. */
  public Resend onResendDue(ConsumerPosting posting, long nowMillis, RandomGenerator random) {
    Invariants.check(!posting.confirmed(), "only unconfirmed decisions are re-sent", posting.id());
    int attempt = posting.responses() + 1;
    ConsumerPosting updated =
        posting.withResponseSent(attempt, nowMillis + settings.backoff().delayMillis(attempt, random));
    return new Resend(updated, responseFor(updated, attempt));
  }

  private Response responseFor(ConsumerPosting posting, int attempt) {
    return new Response(posting.id(), posting.terms().producer(), settings.self(), posting.decision(),
        posting.cause(), posting.reason(), attempt);
  }

  private static PostingDecision refusedPosting(Code code, String message) {
    return new PostingDecision.Refused(new Refusal(code, message));
  }

  private static ConfirmDecision refusedConfirm(Code code, String message) {
    return new ConfirmDecision.Refused(new Refusal(code, message));
  }
}

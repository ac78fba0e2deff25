package io.natsbank.protocol;

import io.natsbank.protocol.Refusal.Code;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The producer's state machine: pure and deterministic. Given what is stored and what arrived, it
 * returns the new state, the money movements and the messages to send. It never does I/O; the
 * caller stores the result in one transaction and publishes the messages after the commit.
 *
 * <pre>
 *   submit ─▶ PENDING ──ACK──▶ ACKED
 *      │         │               │
 *      │         └──OK/REJECTED──┴──▶ OK | REJECTED (final; REJECTED refunds the payer)
 *      └─ insufficient funds or closed payer ─▶ REJECTED at once, never sent
 * </pre>
 *
 * Methods are overridable only so that tests can plant bugs and prove the checkers catch them.
 */
public class ProducerCore {

  /** Who this producer is and how it re-sends. {@code ackedResendMillis}: re-send period once ACKed. */
  public record Settings(String self, Set<String> consumers, Backoff backoff, long ackedResendMillis) {
    public Settings {
      Names.participant("self", self);
      consumers = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(consumers));
      consumers.forEach(name -> Names.participant("consumers", name));
      Objects.requireNonNull(backoff, "backoff");
      if (ackedResendMillis < 1) {
        throw new IllegalArgumentException("ackedResendMillis must be positive");
      }
    }
  }

  public sealed interface SubmitDecision {
    record Refused(Refusal refusal) implements SubmitDecision {}

    /** The same transfer was submitted before: answer with what is stored, change nothing. */
    record Existing(ProducerTransfer transfer) implements SubmitDecision {}

    /** Debit the payer, store the PENDING transfer, send the posting. */
    record Accepted(ProducerTransfer transfer, Account payerAfter, Entry debit, Posting posting)
        implements SubmitDecision {}

    /** Store a final REJECTED transfer; nothing moves, nothing is sent. */
    record RejectedAtOnce(ProducerTransfer transfer) implements SubmitDecision {}
  }

  public sealed interface ResponseDecision {
    record Refused(Refusal refusal) implements ResponseDecision {}

    /** Nothing to store or send (e.g. an ACK for a transfer already final). */
    record Ignored(String why) implements ResponseDecision {}

    /** The consumer has the posting durably: re-send rarely from now on. */
    record Acked(ProducerTransfer transfer) implements ResponseDecision {}

    /** First final outcome: store it, refund if REJECTED ({@code refund} may be null), confirm. */
    record Applied(ProducerTransfer transfer, Entry refund, Confirm confirm) implements ResponseDecision {}

    /** The outcome was applied before; the consumer missed our confirm: confirm again. */
    record Reconfirm(Confirm confirm) implements ResponseDecision {}
  }

  /** A posting re-sent because no answer came in time. */
  public record Resend(ProducerTransfer transfer, Posting posting) {}

  private final Settings settings;

  public ProducerCore(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Decides a submit. {@code existing} is the stored transfer with the same id (or null);
   * {@code payer} is the payer account as this transaction sees it, locked (or null if unknown).
   */
  public SubmitDecision onSubmit(
      SubmitRequest request, ProducerTransfer existing, Account payer, long nowMillis, RandomGenerator random) {
    TransferTerms terms = request.termsAt(settings.self());
    if (existing != null) {
      if (existing.terms().equals(terms)) {
        return new SubmitDecision.Existing(existing);
      }
      return refusedSubmit(Code.TRANSFER_ID_REUSED,
          "transfer " + request.transferId() + " already exists with other terms " + describe(existing.terms()));
    }
    if (!settings.consumers().contains(request.consumer())) {
      return refusedSubmit(Code.UNKNOWN_PARTICIPANT,
          "consumer '" + request.consumer() + "' is not one of " + settings.consumers());
    }
    if (payer == null) {
      return refusedSubmit(Code.UNKNOWN_ACCOUNT,
          "payer account '" + request.payer() + "' does not exist at producer " + settings.self());
    }
    if (payer.currency() != request.amount().currency()) {
      return refusedSubmit(Code.CURRENCY_MISMATCH,
          "payer account '" + payer.id() + "' holds " + payer.currency() + ", not " + request.amount().currency());
    }
    if (payer.closed()) {
      return rejectedAtOnce(request, terms, RejectCause.ACCOUNT_CLOSED, "payer account is closed", nowMillis);
    }
    if (payer.balance().compareTo(request.amount().amount()) < 0) {
      return rejectedAtOnce(request, terms, RejectCause.INSUFFICIENT_FUNDS,
          "payer balance does not cover " + request.amount(), nowMillis);
    }
    long nextAttemptAt = nowMillis + settings.backoff().delayMillis(1, random);
    ProducerTransfer transfer = new ProducerTransfer(
        request.transferId(), terms, TransferStatus.PENDING, null, null, true, 1, nextAttemptAt, nowMillis, 0);
    Entry debit = new Entry(request.transferId(), payer.id(), Entry.Kind.DEBIT, request.amount().amount());
    Account payerAfter = payer.withBalance(payer.balance().subtract(request.amount().amount()));
    Invariants.check(payerAfter.balance().signum() >= 0, "a debit never makes a balance negative", transfer.id());
    return new SubmitDecision.Accepted(transfer, payerAfter, debit, new Posting(transfer.id(), terms, 1));
  }

  /** Decides what a response means for the stored transfer {@code transfer} (null if unknown). */
  public ResponseDecision onResponse(Response response, ProducerTransfer transfer, long nowMillis) {
    if (!response.producer().equals(settings.self())) {
      return refusedResponse(Code.WRONG_RECIPIENT,
          "response is addressed to producer '" + response.producer() + "', this is " + settings.self());
    }
    if (transfer == null) {
      return refusedResponse(Code.UNKNOWN_TRANSFER, "no transfer " + response.transferId() + " at this producer");
    }
    if (!response.consumer().equals(transfer.terms().consumer())) {
      return refusedResponse(Code.WRONG_RECIPIENT, "response from consumer '" + response.consumer()
          + "' for a transfer sent to '" + transfer.terms().consumer() + "'");
    }
    if (!transfer.sent()) {
      return refusedResponse(Code.CONTRADICTORY, "transfer " + transfer.id() + " was rejected at once and never sent");
    }
    if (response.outcome() == Outcome.ACK) {
      if (transfer.status() == TransferStatus.PENDING) {
        return new ResponseDecision.Acked(transfer
            .withStatus(TransferStatus.ACKED, null, null, nowMillis)
            .withAttempt(transfer.attempts(), nowMillis + settings.ackedResendMillis()));
      }
      return new ResponseDecision.Ignored("ACK for a transfer already " + transfer.status());
    }
    Confirm confirm = new Confirm(transfer.id(), settings.self(), transfer.terms().consumer(), response.outcome());
    if (transfer.status().isFinal()) {
      if (transfer.outcome() == response.outcome() && transfer.cause() == response.cause()) {
        return new ResponseDecision.Reconfirm(confirm);
      }
      return refusedResponse(Code.CONTRADICTORY, "response says " + response.outcome() + "/" + response.cause()
          + " but transfer " + transfer.id() + " is final as " + transfer.status() + "/" + transfer.cause());
    }
    return applyOutcome(response, transfer, confirm, nowMillis);
  }

  protected ResponseDecision applyOutcome(
      Response response, ProducerTransfer transfer, Confirm confirm, long nowMillis) {
    TransferStatus status = TransferStatus.of(response.outcome());
    ProducerTransfer finished = transfer.withStatus(status, response.cause(), response.reason(), nowMillis);
    Entry refund = status == TransferStatus.REJECTED
        ? new Entry(transfer.id(), transfer.terms().payer(), Entry.Kind.REFUND, transfer.terms().amount().amount())
        : null;
    return new ResponseDecision.Applied(finished, refund, confirm);
  }

  /** The transfer is due for a re-send: count the attempt and schedule the next one. */
  public Resend onResendDue(ProducerTransfer transfer, long nowMillis, RandomGenerator random) {
    Invariants.check(!transfer.status().isFinal() && transfer.sent(), "only unfinished sent transfers are re-sent",
        transfer.id());
    int attempt = transfer.attempts() + 1;
    long delay = transfer.status() == TransferStatus.ACKED
        ? settings.ackedResendMillis()
        : settings.backoff().delayMillis(attempt, random);
    ProducerTransfer updated = transfer.withAttempt(attempt, nowMillis + delay);
    return new Resend(updated, new Posting(transfer.id(), transfer.terms(), attempt));
  }

  private static SubmitDecision refusedSubmit(Code code, String message) {
    return new SubmitDecision.Refused(new Refusal(code, message));
  }

  private static ResponseDecision refusedResponse(Code code, String message) {
    return new ResponseDecision.Refused(new Refusal(code, message));
  }

  private static SubmitDecision rejectedAtOnce(
      SubmitRequest request, TransferTerms terms, RejectCause cause, String reason, long nowMillis) {
    return new SubmitDecision.RejectedAtOnce(new ProducerTransfer(
        request.transferId(), terms, TransferStatus.REJECTED, cause, reason, false, 0, 0, nowMillis, nowMillis));
  }

  static String describe(TransferTerms terms) {
    return terms.payer() + "@" + terms.producer() + " -> " + terms.payee() + "@" + terms.consumer() + " "
        + terms.amount();
  }
}

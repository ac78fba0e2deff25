package io.natsbank.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.protocol.ProducerCore.ResponseDecision;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.Refusal.Code;
import java.math.BigDecimal;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every transition of the producer's state machine, with exact expected states. */
class ProducerCoreTest {
  private static final String PRODUCER = "bank-a";
  private static final String CONSUMER = "bank-b";
  private static final String OTHER_CONSUMER = "bank-c";
  private static final String PAYER = "alice";
  private static final String PAYEE = "bob";
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final long SEED = 20_261_127L;
  private static final long SUBMITTED_AT_MILLIS = 1_700_000_000_000L;
  private static final long ANSWERED_AT_MILLIS = SUBMITTED_AT_MILLIS + 250;
  private static final long ACKED_RESEND_MILLIS = 60_000;
  private static final Backoff BACKOFF = new Backoff(100, 10_000);

  private final ProducerCore core = new ProducerCore(
      new ProducerCore.Settings(PRODUCER, Set.of(CONSUMER, OTHER_CONSUMER), BACKOFF, ACKED_RESEND_MILLIS));

  private static Money euros(String text) {
    return Money.parsePositive(text, Currency.EUR);
  }

  private static SubmitRequest request(Money amount) {
    return new SubmitRequest(TRANSFER_ID, CONSUMER, PAYER, PAYEE, amount);
  }

  private static Account payer(String balance) {
    return new Account(PAYER, Currency.EUR, new BigDecimal(balance), false, null);
  }

  private static TransferTerms terms(Money amount) {
    return new TransferTerms(PRODUCER, CONSUMER, PAYER, PAYEE, amount);
  }

  private static SplittableRandom random() {
    return new SplittableRandom(SEED);
  }

  private ProducerTransfer pendingTransfer() {
    SubmitDecision decision =
        core.onSubmit(request(euros("30.00")), null, payer("100.00"), SUBMITTED_AT_MILLIS, random());
    return assertInstanceOf(SubmitDecision.Accepted.class, decision).transfer();
  }

  private ProducerTransfer ackedTransfer() {
    ResponseDecision decision = core.onResponse(response(Outcome.ACK, null), pendingTransfer(), ANSWERED_AT_MILLIS);
    return assertInstanceOf(ResponseDecision.Acked.class, decision).transfer();
  }

  private ProducerTransfer finishedTransfer(Outcome outcome, RejectCause cause) {
    ResponseDecision decision = core.onResponse(response(outcome, cause), pendingTransfer(), ANSWERED_AT_MILLIS);
    return assertInstanceOf(ResponseDecision.Applied.class, decision).transfer();
  }

  private ProducerTransfer rejectedAtOnceTransfer() {
    SubmitDecision decision =
        core.onSubmit(request(euros("30.00")), null, payer("10.00"), SUBMITTED_AT_MILLIS, random());
    return assertInstanceOf(SubmitDecision.RejectedAtOnce.class, decision).transfer();
  }

  private static Response response(Outcome outcome, RejectCause cause) {
    return responseFrom(CONSUMER, outcome, cause);
  }

  private static Response responseFrom(String consumer, Outcome outcome, RejectCause cause) {
    String reason = cause == null ? null : "because " + cause;
    return new Response(TRANSFER_ID, PRODUCER, consumer, outcome, cause, reason, 1);
  }

  private static Refusal refusalOf(SubmitDecision decision) {
    return assertInstanceOf(SubmitDecision.Refused.class, decision).refusal();
  }

  private static Refusal refusalOf(ResponseDecision decision) {
    return assertInstanceOf(ResponseDecision.Refused.class, decision).refusal();
  }

  @Nested
  class OnSubmit {
    @Test
    void acceptedTransferDebitsPayerStoresPendingAndSendsFirstPosting() {
      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), null, payer("100.00"), SUBMITTED_AT_MILLIS, random());

      SubmitDecision.Accepted accepted = assertInstanceOf(SubmitDecision.Accepted.class, decision);
      long expectedNextAttemptAtMillis = SUBMITTED_AT_MILLIS + BACKOFF.delayMillis(1, random());
      ProducerTransfer expectedTransfer = new ProducerTransfer(TRANSFER_ID, terms(euros("30.00")),
          TransferStatus.PENDING, null, null, true, 1, expectedNextAttemptAtMillis, SUBMITTED_AT_MILLIS, 0);
      assertEquals(expectedTransfer, accepted.transfer());
      assertEquals(new Account(PAYER, Currency.EUR, new BigDecimal("70.00"), false, null), accepted.payerAfter());
      assertEquals(new Entry(TRANSFER_ID, PAYER, Entry.Kind.DEBIT, new BigDecimal("30.00")), accepted.debit());
      assertEquals(new Posting(TRANSFER_ID, terms(euros("30.00")), 1), accepted.posting());
    }

    @Test
    void firstResendIsScheduledWithinTheFirstBackoffWindow() {
      for (long seed = 0; seed < 200; seed++) {
        SubmitDecision decision = core.onSubmit(
            request(euros("1.00")), null, payer("100.00"), SUBMITTED_AT_MILLIS, new SplittableRandom(seed));
        long delayMillis = assertInstanceOf(SubmitDecision.Accepted.class, decision).transfer().nextAttemptAtMillis()
            - SUBMITTED_AT_MILLIS;
        assertTrue(delayMillis >= 50 && delayMillis <= 100, "first re-send delay " + delayMillis + " ms");
      }
    }

    @Test
    void amountEqualToTheBalanceIsAcceptedAndLeavesZero() {
      SubmitDecision decision =
          core.onSubmit(request(euros("100.00")), null, payer("100.00"), SUBMITTED_AT_MILLIS, random());

      SubmitDecision.Accepted accepted = assertInstanceOf(SubmitDecision.Accepted.class, decision);
      assertEquals(new BigDecimal("0.00"), accepted.payerAfter().balance());
      assertEquals(TransferStatus.PENDING, accepted.transfer().status());
    }

    @Test
    void sameTransferSubmittedAgainReturnsTheStoredOneUnchanged() {
      ProducerTransfer stored = ackedTransfer();

      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), stored, payer("100.00"), ANSWERED_AT_MILLIS, random());

      assertSame(stored, assertInstanceOf(SubmitDecision.Existing.class, decision).transfer());
    }

    @Test
    void sameTransferSubmittedAgainIsExistingEvenWhenThePayerCouldNoLongerPay() {
      ProducerTransfer stored = pendingTransfer();

      assertSame(stored, assertInstanceOf(SubmitDecision.Existing.class,
          core.onSubmit(request(euros("30.00")), stored, null, ANSWERED_AT_MILLIS, random())).transfer());
      assertSame(stored, assertInstanceOf(SubmitDecision.Existing.class,
          core.onSubmit(request(euros("30.00")), stored, payer("0.00"), ANSWERED_AT_MILLIS, random())).transfer());
    }

    @Test
    void transferRejectedAtOnceSubmittedAgainIsExisting() {
      ProducerTransfer stored = rejectedAtOnceTransfer();

      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), stored, payer("1000.00"), ANSWERED_AT_MILLIS, random());

      assertSame(stored, assertInstanceOf(SubmitDecision.Existing.class, decision).transfer());
    }

    @Test
    void sameIdWithAnotherAmountIsRefusedAsReused() {
      Refusal refusal = refusalOf(
          core.onSubmit(request(euros("31.00")), pendingTransfer(), payer("100.00"), ANSWERED_AT_MILLIS, random()));

      assertEquals(Code.TRANSFER_ID_REUSED, refusal.code());
      assertTrue(refusal.message().contains(TRANSFER_ID.toString()), refusal.message());
      assertTrue(refusal.message().contains("30.00 EUR"), "names the stored terms: " + refusal.message());
    }

    @Test
    void sameIdWithAnotherPayeeConsumerOrPayerIsRefusedAsReused() {
      ProducerTransfer stored = pendingTransfer();
      SubmitRequest otherPayee = new SubmitRequest(TRANSFER_ID, CONSUMER, PAYER, "carol", euros("30.00"));
      SubmitRequest otherConsumer = new SubmitRequest(TRANSFER_ID, OTHER_CONSUMER, PAYER, PAYEE, euros("30.00"));
      SubmitRequest otherPayer = new SubmitRequest(TRANSFER_ID, CONSUMER, "dave", PAYEE, euros("30.00"));
      SubmitRequest otherCurrency =
          new SubmitRequest(TRANSFER_ID, CONSUMER, PAYER, PAYEE, Money.parsePositive("30.00", Currency.USD));

      for (SubmitRequest request : new SubmitRequest[] {otherPayee, otherConsumer, otherPayer, otherCurrency}) {
        Refusal refusal = refusalOf(core.onSubmit(request, stored, payer("100.00"), ANSWERED_AT_MILLIS, random()));
        assertEquals(Code.TRANSFER_ID_REUSED, refusal.code(), request.toString());
      }
    }

    @Test
    void unknownConsumerIsRefused() {
      SubmitRequest request = new SubmitRequest(TRANSFER_ID, "bank-z", PAYER, PAYEE, euros("30.00"));

      Refusal refusal = refusalOf(core.onSubmit(request, null, payer("100.00"), SUBMITTED_AT_MILLIS, random()));

      assertEquals(Code.UNKNOWN_PARTICIPANT, refusal.code());
      assertTrue(refusal.message().contains("'bank-z'"), refusal.message());
    }

    @Test
    void unknownPayerIsRefused() {
      Refusal refusal = refusalOf(core.onSubmit(request(euros("30.00")), null, null, SUBMITTED_AT_MILLIS, random()));

      assertEquals(Code.UNKNOWN_ACCOUNT, refusal.code());
      assertTrue(refusal.message().contains("'" + PAYER + "'"), refusal.message());
    }

    @Test
    void payerInAnotherCurrencyIsRefusedNotRejected() {
      Account dollarPayer = new Account(PAYER, Currency.USD, new BigDecimal("100.00"), false, null);

      Refusal refusal =
          refusalOf(core.onSubmit(request(euros("30.00")), null, dollarPayer, SUBMITTED_AT_MILLIS, random()));

      assertEquals(Code.CURRENCY_MISMATCH, refusal.code());
      assertTrue(refusal.message().contains("USD") && refusal.message().contains("EUR"), refusal.message());
    }

    @Test
    void closedPayerIsRejectedAtOnceAndNeverSent() {
      Account closedPayer = new Account(PAYER, Currency.EUR, new BigDecimal("100.00"), true, null);

      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), null, closedPayer, SUBMITTED_AT_MILLIS, random());

      ProducerTransfer transfer = assertInstanceOf(SubmitDecision.RejectedAtOnce.class, decision).transfer();
      assertEquals(new ProducerTransfer(TRANSFER_ID, terms(euros("30.00")), TransferStatus.REJECTED,
          RejectCause.ACCOUNT_CLOSED, "payer account is closed", false, 0, 0, SUBMITTED_AT_MILLIS,
          SUBMITTED_AT_MILLIS), transfer);
    }

    @Test
    void closedPayerWithoutFundsIsRejectedAsClosed() {
      Account closedEmptyPayer = new Account(PAYER, Currency.EUR, new BigDecimal("0.00"), true, null);

      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), null, closedEmptyPayer, SUBMITTED_AT_MILLIS, random());

      assertEquals(RejectCause.ACCOUNT_CLOSED,
          assertInstanceOf(SubmitDecision.RejectedAtOnce.class, decision).transfer().cause());
    }

    @Test
    void insufficientFundsIsRejectedAtOnceAndNeverSent() {
      SubmitDecision decision =
          core.onSubmit(request(euros("30.00")), null, payer("29.99"), SUBMITTED_AT_MILLIS, random());

      ProducerTransfer transfer = assertInstanceOf(SubmitDecision.RejectedAtOnce.class, decision).transfer();
      assertEquals(TransferStatus.REJECTED, transfer.status());
      assertEquals(RejectCause.INSUFFICIENT_FUNDS, transfer.cause());
      assertTrue(transfer.reason().contains("30.00 EUR"), transfer.reason());
      assertEquals(false, transfer.sent());
      assertEquals(0, transfer.attempts());
      assertEquals(0, transfer.nextAttemptAtMillis());
      assertEquals(SUBMITTED_AT_MILLIS, transfer.createdAtMillis());
      assertEquals(SUBMITTED_AT_MILLIS, transfer.finishedAtMillis());
      assertEquals(Outcome.REJECTED, transfer.outcome());
    }
  }

  @Nested
  class OnResponse {
    @Test
    void responseAddressedToAnotherProducerIsRefused() {
      Response forOtherProducer =
          new Response(TRANSFER_ID, "bank-x", CONSUMER, Outcome.OK, null, null, 1);

      Refusal refusal = refusalOf(core.onResponse(forOtherProducer, pendingTransfer(), ANSWERED_AT_MILLIS));

      assertEquals(Code.WRONG_RECIPIENT, refusal.code());
      assertTrue(refusal.message().contains("'bank-x'"), refusal.message());
    }

    @Test
    void responseForAnUnknownTransferIsRefused() {
      Refusal refusal = refusalOf(core.onResponse(response(Outcome.OK, null), null, ANSWERED_AT_MILLIS));

      assertEquals(Code.UNKNOWN_TRANSFER, refusal.code());
      assertTrue(refusal.message().contains(TRANSFER_ID.toString()), refusal.message());
    }

    @Test
    void responseFromAConsumerTheTransferWasNotSentToIsRefused() {
      Response fromOtherConsumer = responseFrom(OTHER_CONSUMER, Outcome.OK, null);

      Refusal refusal = refusalOf(core.onResponse(fromOtherConsumer, pendingTransfer(), ANSWERED_AT_MILLIS));

      assertEquals(Code.WRONG_RECIPIENT, refusal.code());
      assertTrue(refusal.message().contains("'" + OTHER_CONSUMER + "'"), refusal.message());
    }

    @Test
    void anyResponseToATransferThatWasNeverSentIsContradictory() {
      ProducerTransfer neverSent = rejectedAtOnceTransfer();

      for (Response response : new Response[] {response(Outcome.ACK, null), response(Outcome.OK, null),
          response(Outcome.REJECTED, RejectCause.INSUFFICIENT_FUNDS)}) {
        Refusal refusal = refusalOf(core.onResponse(response, neverSent, ANSWERED_AT_MILLIS));
        assertEquals(Code.CONTRADICTORY, refusal.code(), response.toString());
      }
    }

    @Test
    void ackOnPendingMovesToAckedAndReSendsAtTheAckedPeriod() {
      ProducerTransfer pending = pendingTransfer();

      ResponseDecision decision = core.onResponse(response(Outcome.ACK, null), pending, ANSWERED_AT_MILLIS);

      ProducerTransfer acked = assertInstanceOf(ResponseDecision.Acked.class, decision).transfer();
      assertEquals(new ProducerTransfer(TRANSFER_ID, pending.terms(), TransferStatus.ACKED, null, null, true, 1,
          ANSWERED_AT_MILLIS + ACKED_RESEND_MILLIS, SUBMITTED_AT_MILLIS, 0), acked);
    }

    @Test
    void ackOnAckedIsIgnored() {
      ResponseDecision decision = core.onResponse(response(Outcome.ACK, null), ackedTransfer(), ANSWERED_AT_MILLIS);

      String why = assertInstanceOf(ResponseDecision.Ignored.class, decision).why();
      assertTrue(why.contains("ACKED"), why);
    }

    @Test
    void ackOnFinalTransferIsIgnored() {
      for (ProducerTransfer finished : new ProducerTransfer[] {finishedTransfer(Outcome.OK, null),
          finishedTransfer(Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT)}) {
        ResponseDecision decision = core.onResponse(response(Outcome.ACK, null), finished, ANSWERED_AT_MILLIS + 1);
        String why = assertInstanceOf(ResponseDecision.Ignored.class, decision).why();
        assertTrue(why.contains(finished.status().name()), why);
      }
    }

    @Test
    void okOnPendingIsAppliedWithoutRefundAndConfirmed() {
      ProducerTransfer pending = pendingTransfer();

      ResponseDecision decision = core.onResponse(response(Outcome.OK, null), pending, ANSWERED_AT_MILLIS);

      ResponseDecision.Applied applied = assertInstanceOf(ResponseDecision.Applied.class, decision);
      assertEquals(new ProducerTransfer(TRANSFER_ID, pending.terms(), TransferStatus.OK, null, null, true, 1,
          pending.nextAttemptAtMillis(), SUBMITTED_AT_MILLIS, ANSWERED_AT_MILLIS), applied.transfer());
      assertNull(applied.refund());
      assertEquals(new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK), applied.confirm());
    }

    @Test
    void okOnAckedIsApplied() {
      ResponseDecision decision =
          core.onResponse(response(Outcome.OK, null), ackedTransfer(), ANSWERED_AT_MILLIS + 1_000);

      ResponseDecision.Applied applied = assertInstanceOf(ResponseDecision.Applied.class, decision);
      assertEquals(TransferStatus.OK, applied.transfer().status());
      assertEquals(ANSWERED_AT_MILLIS + 1_000, applied.transfer().finishedAtMillis());
      assertNull(applied.refund());
    }

    @Test
    void rejectedIsAppliedWithCauseReasonAndARefundOfTheWholeAmount() {
      Response rejected = new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED,
          RejectCause.OVER_LIMIT, "amount is over the payee's limit of 10.00", 2);

      ResponseDecision decision = core.onResponse(rejected, ackedTransfer(), ANSWERED_AT_MILLIS + 1_000);

      ResponseDecision.Applied applied = assertInstanceOf(ResponseDecision.Applied.class, decision);
      ProducerTransfer transfer = applied.transfer();
      assertEquals(TransferStatus.REJECTED, transfer.status());
      assertEquals(RejectCause.OVER_LIMIT, transfer.cause());
      assertEquals("amount is over the payee's limit of 10.00", transfer.reason());
      assertEquals(ANSWERED_AT_MILLIS + 1_000, transfer.finishedAtMillis());
      assertEquals(new Entry(TRANSFER_ID, PAYER, Entry.Kind.REFUND, new BigDecimal("30.00")), applied.refund());
      assertEquals(new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED), applied.confirm());
    }

    @Test
    void duplicateOkAfterApplyingIsReconfirmedWithoutChange() {
      ProducerTransfer finished = finishedTransfer(Outcome.OK, null);

      ResponseDecision decision = core.onResponse(response(Outcome.OK, null), finished, ANSWERED_AT_MILLIS + 5);

      assertEquals(new ResponseDecision.Reconfirm(new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK)),
          decision);
    }

    @Test
    void duplicateRejectionWithTheSameCauseIsReconfirmedEvenWithAnotherReasonText() {
      ProducerTransfer finished = finishedTransfer(Outcome.REJECTED, RejectCause.ACCOUNT_CLOSED);
      Response sameCauseOtherText = new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED,
          RejectCause.ACCOUNT_CLOSED, "reworded", 7);

      ResponseDecision decision = core.onResponse(sameCauseOtherText, finished, ANSWERED_AT_MILLIS + 5);

      assertEquals(new ResponseDecision.Reconfirm(new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED)),
          decision);
    }

    @Test
    void rejectionAfterOkIsContradictory() {
      ResponseDecision decision = core.onResponse(response(Outcome.REJECTED, RejectCause.OVER_LIMIT),
          finishedTransfer(Outcome.OK, null), ANSWERED_AT_MILLIS + 5);

      Refusal refusal = refusalOf(decision);
      assertEquals(Code.CONTRADICTORY, refusal.code());
      assertTrue(refusal.message().contains("REJECTED/OVER_LIMIT"), refusal.message());
    }

    @Test
    void okAfterRejectionIsContradictory() {
      ResponseDecision decision = core.onResponse(response(Outcome.OK, null),
          finishedTransfer(Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT), ANSWERED_AT_MILLIS + 5);

      assertEquals(Code.CONTRADICTORY, refusalOf(decision).code());
    }

    @Test
    void rejectionWithAnotherCauseIsContradictory() {
      ResponseDecision decision = core.onResponse(response(Outcome.REJECTED, RejectCause.ACCOUNT_CLOSED),
          finishedTransfer(Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT), ANSWERED_AT_MILLIS + 5);

      Refusal refusal = refusalOf(decision);
      assertEquals(Code.CONTRADICTORY, refusal.code());
      assertTrue(refusal.message().contains("ACCOUNT_CLOSED") && refusal.message().contains("UNKNOWN_ACCOUNT"),
          refusal.message());
    }

    @Test
    void finalResponseOvertakingTheAckIsAppliedAndTheLateAckIgnored() {
      ProducerTransfer pending = pendingTransfer();

      ResponseDecision first = core.onResponse(response(Outcome.OK, null), pending, ANSWERED_AT_MILLIS);
      ProducerTransfer finished = assertInstanceOf(ResponseDecision.Applied.class, first).transfer();
      ResponseDecision lateAck = core.onResponse(response(Outcome.ACK, null), finished, ANSWERED_AT_MILLIS + 10);

      assertInstanceOf(ResponseDecision.Ignored.class, lateAck);
      assertEquals(TransferStatus.OK, finished.status());
    }
  }

  @Nested
  class OnResendDue {
    @Test
    void pendingTransferCountsTheAttemptAndReSendsWithBackoff() {
      ProducerTransfer pending = pendingTransfer();
      long dueAtMillis = pending.nextAttemptAtMillis();

      ProducerCore.Resend resend = core.onResendDue(pending, dueAtMillis, random());

      long expectedDelayMillis = BACKOFF.delayMillis(2, random());
      assertTrue(expectedDelayMillis >= 100 && expectedDelayMillis <= 200, "attempt 2 delay " + expectedDelayMillis);
      assertEquals(new ProducerTransfer(TRANSFER_ID, pending.terms(), TransferStatus.PENDING, null, null, true, 2,
          dueAtMillis + expectedDelayMillis, SUBMITTED_AT_MILLIS, 0), resend.transfer());
      assertEquals(new Posting(TRANSFER_ID, pending.terms(), 2), resend.posting());
    }

    @Test
    void everyReSendCountsOneMoreAttemptAndStaysWithinTheBackoffBounds() {
      SplittableRandom random = random();
      ProducerTransfer transfer = pendingTransfer();
      long nowMillis = SUBMITTED_AT_MILLIS;
      for (int attempt = 2; attempt <= 40; attempt++) {
        nowMillis = transfer.nextAttemptAtMillis();
        ProducerCore.Resend resend = core.onResendDue(transfer, nowMillis, random);
        transfer = resend.transfer();

        long baseMillis = Math.min(10_000, 100L << Math.min(attempt - 1, 30));
        long delayMillis = transfer.nextAttemptAtMillis() - nowMillis;
        assertEquals(attempt, transfer.attempts());
        assertEquals(attempt, resend.posting().attempt());
        assertTrue(delayMillis >= baseMillis / 2 && delayMillis <= baseMillis,
            "attempt " + attempt + " delay " + delayMillis + " outside [" + baseMillis / 2 + ", " + baseMillis + "]");
      }
      assertEquals(TransferStatus.PENDING, transfer.status());
    }

    @Test
    void ackedTransferReSendsAtTheAckedPeriodWithoutJitter() {
      ProducerTransfer acked = ackedTransfer();
      long dueAtMillis = acked.nextAttemptAtMillis();

      ProducerCore.Resend resend = core.onResendDue(acked, dueAtMillis, random());

      assertEquals(new ProducerTransfer(TRANSFER_ID, acked.terms(), TransferStatus.ACKED, null, null, true, 2,
          dueAtMillis + ACKED_RESEND_MILLIS, SUBMITTED_AT_MILLIS, 0), resend.transfer());
      assertEquals(new Posting(TRANSFER_ID, acked.terms(), 2), resend.posting());
    }

    @Test
    void finalTransfersAreNeverReSent() {
      ProducerTransfer ok = finishedTransfer(Outcome.OK, null);
      ProducerTransfer rejected = finishedTransfer(Outcome.REJECTED, RejectCause.OVER_LIMIT);

      assertThrows(InvariantViolation.class, () -> core.onResendDue(ok, ANSWERED_AT_MILLIS, random()));
      assertThrows(InvariantViolation.class, () -> core.onResendDue(rejected, ANSWERED_AT_MILLIS, random()));
    }

    @Test
    void transfersRejectedAtOnceAreNeverReSent() {
      ProducerTransfer neverSent = rejectedAtOnceTransfer();

      InvariantViolation violation =
          assertThrows(InvariantViolation.class, () -> core.onResendDue(neverSent, ANSWERED_AT_MILLIS, random()));
      assertTrue(violation.getMessage().contains(TRANSFER_ID.toString()), violation.getMessage());
    }
  }

  @Nested
  class SettingsValidation {
    @Test
    void ackedResendPeriodMustBePositive() {
      assertThrows(IllegalArgumentException.class,
          () -> new ProducerCore.Settings(PRODUCER, Set.of(CONSUMER), BACKOFF, 0));
    }

    @Test
    void participantNamesAreValidated() {
      assertThrows(IllegalArgumentException.class,
          () -> new ProducerCore.Settings("Bank.A", Set.of(CONSUMER), BACKOFF, ACKED_RESEND_MILLIS));
      assertThrows(IllegalArgumentException.class,
          () -> new ProducerCore.Settings(PRODUCER, Set.of("bank.>"), BACKOFF, ACKED_RESEND_MILLIS));
    }
  }
}

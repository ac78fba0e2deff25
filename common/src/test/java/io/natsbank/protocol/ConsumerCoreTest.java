package io.natsbank.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.ConsumerCore.ConfirmDecision;
import io.natsbank.protocol.ConsumerCore.PostingDecision;
import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.protocol.Refusal.Code;
import java.math.BigDecimal;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every transition of the consumer's state machine, with exact expected states. */
class ConsumerCoreTest {
  private static final String PRODUCER = "bank-a";
  private static final String OTHER_PRODUCER = "bank-x";
  private static final String CONSUMER = "bank-b";
  private static final String PAYER = "alice";
  private static final String PAYEE = "bob";
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final long SEED = 42L;
  private static final long DECIDED_AT_MILLIS = 1_700_000_000_000L;
  private static final long CONFIRMED_AT_MILLIS = DECIDED_AT_MILLIS + 300;
  private static final Backoff BACKOFF = new Backoff(200, 5_000);

  private final ConsumerCore core = new ConsumerCore(new ConsumerCore.Settings(CONSUMER, Set.of(PRODUCER), BACKOFF));
  private final ConsumerCore openCore = new ConsumerCore(new ConsumerCore.Settings(CONSUMER, Set.of(), BACKOFF));

  private static Money euros(String text) {
    return Money.parsePositive(text, Currency.EUR);
  }

  private static Posting posting(String producer, String consumer, Money amount, int attempt) {
    return new Posting(TRANSFER_ID, new TransferTerms(producer, consumer, PAYER, PAYEE, amount), attempt);
  }

  private static Posting posting(Money amount) {
    return posting(PRODUCER, CONSUMER, amount, 1);
  }

  private static Account payee(Currency currency, boolean closed, String creditMax) {
    return new Account(PAYEE, currency, new BigDecimal("0.00"), closed,
        creditMax == null ? null : new BigDecimal(creditMax));
  }

  private static Account openPayee() {
    return payee(Currency.EUR, false, null);
  }

  private static SplittableRandom random() {
    return new SplittableRandom(SEED);
  }

  private PostingDecision.Decided decide(Posting posting, Account payee) {
    return assertInstanceOf(PostingDecision.Decided.class,
        core.onPosting(posting, null, payee, DECIDED_AT_MILLIS, random()));
  }

  private ConsumerPosting decidedOk() {
    return decide(posting(euros("25.00")), openPayee()).posting();
  }

  private ConsumerPosting decidedRejected() {
    return decide(posting(euros("25.00")), null).posting();
  }

  private ConsumerPosting confirmed(ConsumerPosting decided) {
    Confirm confirm = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, decided.decision());
    return assertInstanceOf(ConfirmDecision.Confirmed.class,
        core.onConfirm(confirm, decided, CONFIRMED_AT_MILLIS)).posting();
  }

  private static Refusal refusalOf(PostingDecision decision) {
    return assertInstanceOf(PostingDecision.Refused.class, decision).refusal();
  }

  private static Refusal refusalOf(ConfirmDecision decision) {
    return assertInstanceOf(ConfirmDecision.Refused.class, decision).refusal();
  }

  private static void assertRejected(PostingDecision.Decided decided, RejectCause cause, String reasonPart) {
    assertEquals(Outcome.REJECTED, decided.posting().decision());
    assertEquals(cause, decided.posting().cause());
    assertTrue(decided.posting().reason().contains(reasonPart), decided.posting().reason());
    assertNull(decided.credit(), "a rejection credits nothing");
    assertEquals(new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED, cause,
        decided.posting().reason(), 1), decided.response());
  }

  @Nested
  class OnPosting {
    @Test
    void postingAddressedToAnotherConsumerIsRefused() {
      Posting elsewhere = posting(PRODUCER, "bank-c", euros("25.00"), 1);

      Refusal refusal = refusalOf(core.onPosting(elsewhere, null, openPayee(), DECIDED_AT_MILLIS, random()));

      assertEquals(Code.WRONG_RECIPIENT, refusal.code());
      assertTrue(refusal.message().contains("'bank-c'"), refusal.message());
    }

    @Test
    void postingFromAProducerNotInTheListIsRefused() {
      Posting fromStranger = posting(OTHER_PRODUCER, CONSUMER, euros("25.00"), 1);

      Refusal refusal = refusalOf(core.onPosting(fromStranger, null, openPayee(), DECIDED_AT_MILLIS, random()));

      assertEquals(Code.UNKNOWN_PARTICIPANT, refusal.code());
      assertTrue(refusal.message().contains("'" + OTHER_PRODUCER + "'"), refusal.message());
    }

    @Test
    void anEmptyProducerListServesAnyProducer() {
      Posting fromAnyone = posting(OTHER_PRODUCER, CONSUMER, euros("25.00"), 1);

      PostingDecision decision = openCore.onPosting(fromAnyone, null, openPayee(), DECIDED_AT_MILLIS, random());

      PostingDecision.Decided decided = assertInstanceOf(PostingDecision.Decided.class, decision);
      assertEquals(Outcome.OK, decided.posting().decision());
      assertEquals(OTHER_PRODUCER, decided.response().producer());
    }

    @Test
    void newPostingIsDecidedOkCreditsThePayeeAndAnswers() {
      PostingDecision.Decided decided = decide(posting(euros("25.00")), openPayee());

      long expectedNextResendAtMillis = DECIDED_AT_MILLIS + BACKOFF.delayMillis(1, random());
      assertEquals(new ConsumerPosting(TRANSFER_ID, posting(euros("25.00")).terms(), Outcome.OK, null, null, false,
          1, expectedNextResendAtMillis, DECIDED_AT_MILLIS, 0), decided.posting());
      assertTrue(expectedNextResendAtMillis - DECIDED_AT_MILLIS >= 100
          && expectedNextResendAtMillis - DECIDED_AT_MILLIS <= 200);
      assertEquals(new Entry(TRANSFER_ID, PAYEE, Entry.Kind.CREDIT, new BigDecimal("25.00")), decided.credit());
      assertEquals(new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK, null, null, 1), decided.response());
    }

    @Test
    void missingPayeeIsRejectedAsUnknownAccount() {
      assertRejected(decide(posting(euros("25.00")), null), RejectCause.UNKNOWN_ACCOUNT, "'" + PAYEE + "'");
    }

    @Test
    void closedPayeeIsRejectedAsClosed() {
      assertRejected(decide(posting(euros("25.00")), payee(Currency.EUR, true, null)), RejectCause.ACCOUNT_CLOSED,
          "closed");
    }

    @Test
    void payeeInAnotherCurrencyIsRejectedAsCurrencyMismatch() {
      assertRejected(decide(posting(euros("25.00")), payee(Currency.GBP, false, null)),
          RejectCause.CURRENCY_MISMATCH, "GBP");
    }

    @Test
    void amountOverThePayeeLimitIsRejectedAsOverLimit() {
      assertRejected(decide(posting(euros("25.01")), payee(Currency.EUR, false, "25.00")), RejectCause.OVER_LIMIT,
          "25.00");
    }

    @Test
    void amountExactlyAtThePayeeLimitIsAccepted() {
      PostingDecision.Decided decided = decide(posting(euros("25.00")), payee(Currency.EUR, false, "25.00"));

      assertEquals(Outcome.OK, decided.posting().decision());
      assertEquals(new BigDecimal("25.00"), decided.credit().amount());
    }

    @Test
    void payeeWithoutLimitAcceptsTheLargestAmount() {
      PostingDecision.Decided decided = decide(posting(euros("1000000000.00")), openPayee());

      assertEquals(Outcome.OK, decided.posting().decision());
    }

    @Test
    void closedAccountIsReportedBeforeCurrencyAndLimit() {
      assertRejected(decide(posting(euros("25.00")), payee(Currency.JPY, true, "1")), RejectCause.ACCOUNT_CLOSED,
          "closed");
    }

    @Test
    void duplicatePostingAnswersTheStoredDecisionAndChangesNothing() {
      ConsumerPosting stored = decidedOk();

      PostingDecision decision =
          core.onPosting(posting(PRODUCER, CONSUMER, euros("25.00"), 2), stored, openPayee(), CONFIRMED_AT_MILLIS,
              random());

      assertEquals(new PostingDecision.Duplicate(
          new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK, null, null, 2)), decision);
    }

    @Test
    void duplicateIsNeverDecidedAgainEvenWhenThePayeeHasChanged() {
      ConsumerPosting storedOk = decidedOk();
      ConsumerPosting storedRejected = decidedRejected();

      PostingDecision okAgain = core.onPosting(posting(euros("25.00")), storedOk, null, CONFIRMED_AT_MILLIS, random());
      PostingDecision rejectedAgain =
          core.onPosting(posting(euros("25.00")), storedRejected, openPayee(), CONFIRMED_AT_MILLIS, random());

      assertEquals(Outcome.OK, assertInstanceOf(PostingDecision.Duplicate.class, okAgain).response().outcome());
      Response rejectedResponse = assertInstanceOf(PostingDecision.Duplicate.class, rejectedAgain).response();
      assertEquals(Outcome.REJECTED, rejectedResponse.outcome());
      assertEquals(RejectCause.UNKNOWN_ACCOUNT, rejectedResponse.cause());
      assertEquals(storedRejected.reason(), rejectedResponse.reason());
    }

    @Test
    void duplicateAfterConfirmStillAnswersTheStoredDecision() {
      ConsumerPosting confirmedPosting = confirmed(decidedOk());

      PostingDecision decision =
          core.onPosting(posting(euros("25.00")), confirmedPosting, openPayee(), CONFIRMED_AT_MILLIS + 1, random());

      assertEquals(new PostingDecision.Duplicate(
          new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK, null, null, 2)), decision);
    }

    @Test
    void sameIdWithOtherTermsIsRefusedAsReused() {
      ConsumerPosting stored = decidedOk();

      Refusal refusal =
          refusalOf(core.onPosting(posting(euros("25.01")), stored, openPayee(), CONFIRMED_AT_MILLIS, random()));

      assertEquals(Code.TRANSFER_ID_REUSED, refusal.code());
      assertTrue(refusal.message().contains(TRANSFER_ID.toString()), refusal.message());
      assertTrue(refusal.message().contains("25.00 EUR"), "names the stored terms: " + refusal.message());
    }

    @Test
    void sameIdFromAnotherProducerIsRefusedAsReused() {
      ConsumerPosting stored = assertInstanceOf(PostingDecision.Decided.class,
          openCore.onPosting(posting(euros("25.00")), null, openPayee(), DECIDED_AT_MILLIS, random())).posting();

      PostingDecision decision = openCore.onPosting(posting(OTHER_PRODUCER, CONSUMER, euros("25.00"), 1), stored,
          openPayee(), CONFIRMED_AT_MILLIS, random());

      assertEquals(Code.TRANSFER_ID_REUSED, refusalOf(decision).code());
    }
  }

  @Nested
  class OnConfirm {
    @Test
    void confirmAddressedToAnotherConsumerIsRefused() {
      Confirm elsewhere = new Confirm(TRANSFER_ID, PRODUCER, "bank-c", Outcome.OK);

      Refusal refusal = refusalOf(core.onConfirm(elsewhere, decidedOk(), CONFIRMED_AT_MILLIS));

      assertEquals(Code.WRONG_RECIPIENT, refusal.code());
      assertTrue(refusal.message().contains("'bank-c'"), refusal.message());
    }

    @Test
    void confirmForAnUndecidedTransferIsRefused() {
      Confirm confirm = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK);

      Refusal refusal = refusalOf(core.onConfirm(confirm, null, CONFIRMED_AT_MILLIS));

      assertEquals(Code.UNKNOWN_TRANSFER, refusal.code());
      assertTrue(refusal.message().contains(TRANSFER_ID.toString()), refusal.message());
    }

    @Test
    void confirmFromAnotherProducerIsRefused() {
      Confirm fromOther = new Confirm(TRANSFER_ID, OTHER_PRODUCER, CONSUMER, Outcome.OK);

      Refusal refusal = refusalOf(core.onConfirm(fromOther, decidedOk(), CONFIRMED_AT_MILLIS));

      assertEquals(Code.WRONG_RECIPIENT, refusal.code());
      assertTrue(refusal.message().contains("'" + OTHER_PRODUCER + "'"), refusal.message());
    }

    @Test
    void confirmOfAnotherOutcomeIsContradictory() {
      Confirm sayingRejected = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED);
      Confirm sayingOk = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK);

      assertEquals(Code.CONTRADICTORY, refusalOf(core.onConfirm(sayingRejected, decidedOk(), CONFIRMED_AT_MILLIS)).code());
      assertEquals(Code.CONTRADICTORY, refusalOf(core.onConfirm(sayingOk, decidedRejected(), CONFIRMED_AT_MILLIS)).code());
    }

    @Test
    void contradictoryConfirmIsRefusedEvenAfterConfirmation() {
      Confirm sayingRejected = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED);

      Refusal refusal = refusalOf(core.onConfirm(sayingRejected, confirmed(decidedOk()), CONFIRMED_AT_MILLIS + 1));

      assertEquals(Code.CONTRADICTORY, refusal.code());
    }

    @Test
    void confirmOfTheDecisionMarksItConfirmedAndKeepsEverythingElse() {
      ConsumerPosting decided = decidedOk();

      ConsumerPosting confirmedPosting = confirmed(decided);

      assertEquals(new ConsumerPosting(TRANSFER_ID, decided.terms(), Outcome.OK, null, null, true, 1,
          decided.nextResendAtMillis(), DECIDED_AT_MILLIS, CONFIRMED_AT_MILLIS), confirmedPosting);
    }

    @Test
    void confirmOfARejectionMarksItConfirmed() {
      ConsumerPosting confirmedPosting = confirmed(decidedRejected());

      assertTrue(confirmedPosting.confirmed());
      assertEquals(Outcome.REJECTED, confirmedPosting.decision());
      assertEquals(RejectCause.UNKNOWN_ACCOUNT, confirmedPosting.cause());
      assertEquals(CONFIRMED_AT_MILLIS, confirmedPosting.confirmedAtMillis());
    }

    @Test
    void secondConfirmIsAlreadyConfirmed() {
      ConsumerPosting confirmedPosting = confirmed(decidedOk());
      Confirm again = new Confirm(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.OK);

      assertEquals(new ConfirmDecision.AlreadyConfirmed(),
          core.onConfirm(again, confirmedPosting, CONFIRMED_AT_MILLIS + 1_000));
    }
  }

  @Nested
  class OnResendDue {
    @Test
    void unconfirmedDecisionCountsTheResponseAndReSendsWithBackoff() {
      ConsumerPosting decided = decidedRejected();
      long dueAtMillis = decided.nextResendAtMillis();

      ConsumerCore.Resend resend = core.onResendDue(decided, dueAtMillis, random());

      long expectedDelayMillis = BACKOFF.delayMillis(2, random());
      assertTrue(expectedDelayMillis >= 200 && expectedDelayMillis <= 400, "attempt 2 delay " + expectedDelayMillis);
      assertEquals(new ConsumerPosting(TRANSFER_ID, decided.terms(), Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT,
          decided.reason(), false, 2, dueAtMillis + expectedDelayMillis, DECIDED_AT_MILLIS, 0), resend.posting());
      assertEquals(new Response(TRANSFER_ID, PRODUCER, CONSUMER, Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT,
          decided.reason(), 2), resend.response());
    }

    @Test
    void everyReSendCountsOneMoreResponseAndStaysWithinTheBackoffBounds() {
      SplittableRandom random = random();
      ConsumerPosting posting = decidedOk();
      for (int attempt = 2; attempt <= 40; attempt++) {
        long nowMillis = posting.nextResendAtMillis();
        ConsumerCore.Resend resend = core.onResendDue(posting, nowMillis, random);
        posting = resend.posting();

        long baseMillis = Math.min(5_000, 200L << Math.min(attempt - 1, 30));
        long delayMillis = posting.nextResendAtMillis() - nowMillis;
        assertEquals(attempt, posting.responses());
        assertEquals(attempt, resend.response().attempt());
        assertTrue(delayMillis >= baseMillis / 2 && delayMillis <= baseMillis,
            "attempt " + attempt + " delay " + delayMillis + " outside [" + baseMillis / 2 + ", " + baseMillis + "]");
      }
      assertEquals(Outcome.OK, posting.decision());
    }

    @Test
    void confirmedDecisionsAreNeverReSent() {
      ConsumerPosting confirmedPosting = confirmed(decidedOk());

      InvariantViolation violation = assertThrows(InvariantViolation.class,
          () -> core.onResendDue(confirmedPosting, CONFIRMED_AT_MILLIS + 1, random()));
      assertTrue(violation.getMessage().contains(TRANSFER_ID.toString()), violation.getMessage());
    }
  }

  @Test
  void settingsCopyTheProducerListAndValidateNames() {
    Set<String> producers = new java.util.HashSet<>(Set.of(PRODUCER));
    ConsumerCore.Settings settings = new ConsumerCore.Settings(CONSUMER, producers, BACKOFF);
    producers.add(OTHER_PRODUCER);

    assertEquals(Set.of(PRODUCER), settings.producers());
    assertThrows(IllegalArgumentException.class, () -> new ConsumerCore.Settings("Bank B", Set.of(), BACKOFF));
    assertThrows(IllegalArgumentException.class, () -> new ConsumerCore.Settings(CONSUMER, Set.of("*"), BACKOFF));
    assertSame(BACKOFF, settings.backoff());
  }
}

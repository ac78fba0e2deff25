package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ApiRequest;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.Subjects;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FirerTest {
  private static final Subjects SUBJECTS = new Subjects("nb");
  private static final TransferPlanner.Settings PLAN = new TransferPlanner.Settings(
      List.of("bank-p1", "bank-p2"), List.of("bank-c1"), 100, TransferMix.parse("normal=1"),
      Money.parsePositive("0.01", Currency.EUR), Money.parsePositive("50.00", Currency.EUR),
      Money.parsePositive("1000000.00", Currency.EUR));

  private final MemorySubmissionLog log = new MemorySubmissionLog();
  private FakeProducers producers;

  @AfterEach
  void closeFake() {
    if (producers != null) {
      producers.close();
    }
  }

  private static FireSettings settings(int concurrency, int attemptsMax, Duration waitForFinal) {
    return new FireSettings(concurrency, Duration.ofMillis(200), attemptsMax, 1, 5, waitForFinal);
  }

  private FireResult fire(int transfers, FireSettings settings, long delayMillis, FakeProducers.Script script)
      throws InterruptedException {
    producers = new FakeProducers(delayMillis, script);
    Firer firer = new Firer(new ProducerApi(producers, SUBJECTS), log, settings);
    UuidV7 ids = new UuidV7(System::currentTimeMillis, new SplittableRandom(9));
    return firer.fire(transfers, new TransferPlanner(PLAN, 9, ids::next));
  }

  private static String producerOf(String subject) {
    return subject.split("\\.")[2];
  }

  /** Accepts every submit, the transfer PENDING; answers status queries with {@code statusState}. */
  private static FakeProducers.Script acceptAll(TransferStatus submitState, TransferStatus statusState) {
    return (subject, request, attempt) -> switch (request) {
      case ApiRequest.Submit submit -> new ApiReply(Result.ACCEPTED,
          FakeProducers.transfer(producerOf(subject), submit.request(), submitState), null);
      case ApiRequest.Status status -> statusState == null
          ? new ApiReply(Result.NOT_FOUND, null, null)
          : new ApiReply(Result.FOUND, FakeProducers.transfer(producerOf(subject),
              new io.natsbank.protocol.SubmitRequest(status.transferId(), "bank-c1", producerOf(subject) + "-0001",
                  "bank-c1-0001", Money.parsePositive("1.00", Currency.EUR)), statusState), null);
      case ApiRequest.SubmitBatch batch -> throw new AssertionError("FakeProducers hands a batch over one by one");
    };
  }

  @Test
  void everyAcceptedTransferIsCountedAndRecordedAsAcknowledged() throws Exception {
    FireResult result = fire(1_000, settings(64, 5, Duration.ZERO), 1, acceptAll(TransferStatus.PENDING, null));

    assertEquals(1_000, result.submitted());
    assertEquals(1_000, result.accepted());
    assertEquals(0, result.failed());
    assertEquals(0, result.refused());
    assertEquals(1_000, result.pending());
    assertEquals(1_000, log.submitted.size());
    assertEquals(1_000, log.acknowledged());
    assertTrue(log.flushes >= 1, "replies made durable before the result is reported");
    assertTrue(log.replies.values().stream().allMatch(reply -> reply.state() == TransferStatus.PENDING));
    // producers in turn, each on its own subject
    Map<String, Long> perSubject = producers.seen.stream()
        .collect(Collectors.groupingBy(FakeProducers.Seen::subject, Collectors.counting()));
    assertEquals(Map.of("nb.api.bank-p1.submit", 500L, "nb.api.bank-p2.submit", 500L), perSubject);
    assertTrue(result.summaryLine().matches("fire: submitted=1000 accepted=1000 refused=0 failed=0 ok=0 rejected=0 "
        + "pending=1000 rate_per_s=\\d+"), result.summaryLine());
  }

  @Test
  void aTransferIsRecordedBeforeItIsSent() throws Exception {
    Map<UUID, Boolean> recordedWhenSent = new ConcurrentHashMap<>();
    FakeProducers fake = new FakeProducers(0, acceptAll(TransferStatus.PENDING, null));
    fake.onSubmit = request -> recordedWhenSent.put(request.transferId(),
        log.submitted.containsKey(request.transferId()));
    producers = fake;
    Firer firer = new Firer(new ProducerApi(fake, SUBJECTS), log, settings(16, 3, Duration.ZERO));
    firer.fire(2_500, new TransferPlanner(PLAN, 1, UuidV7.create()::next));

    assertEquals(2_500, recordedWhenSent.size());
    assertTrue(recordedWhenSent.values().stream().allMatch(Boolean::booleanValue));
  }

  @Test
  void neverMoreRequestsInFlightThanTheConcurrency() throws Exception {
    FireResult result = fire(400, settings(8, 3, Duration.ZERO), 5, acceptAll(TransferStatus.PENDING, null));

    assertEquals(400, result.accepted());
    assertTrue(producers.outstandingMax.get() <= 8, "outstanding at most " + producers.outstandingMax.get());
    assertTrue(producers.outstandingMax.get() >= 2, "requests actually overlapped");
  }

  @Test
  void busyAndUnansweredRequestsAreSentAgainWithTheSameIdAndContent() throws Exception {
    FakeProducers.Script accept = acceptAll(TransferStatus.PENDING, null);
    FireResult result = fire(200, settings(32, 5, Duration.ZERO), 1, (subject, request, attempt) -> switch (attempt) {
      case 1 -> ApiReply.refused(new Refusal(Refusal.Code.BUSY, "queue full"));
      case 2 -> FakeProducers.TIMEOUT;
      case 3 -> ApiReply.refused(new Refusal(Refusal.Code.UNAVAILABLE, "database down"));
      default -> accept.answer(subject, request, attempt);
    });

    assertEquals(200, result.accepted());
    assertEquals(0, result.failed());
    assertEquals(600, result.retries());
    for (UUID id : log.submitted.keySet()) {
      assertEquals(4, producers.attempts(id));
      List<FakeProducers.Seen> requests = producers.seen.stream().filter(seen -> seen.transferId().equals(id)).toList();
      for (FakeProducers.Seen request : requests) {
        assertArrayEquals(requests.get(0).body(), request.body(), "same content every time");
        assertEquals(requests.get(0).subject(), request.subject(), "same producer every time");
      }
      assertEquals(4, log.replies.get(id).attempts());
      assertTrue(log.replies.get(id).acknowledged());
    }
  }

  @Test
  void aDuplicateAnswerAfterALostReplyCountsAsAccepted() throws Exception {
    FireResult result = fire(50, settings(8, 3, Duration.ZERO), 1, (subject, request, attempt) -> {
      ApiRequest.Submit submit = (ApiRequest.Submit) request;
      return attempt == 1 ? FakeProducers.TIMEOUT : new ApiReply(Result.DUPLICATE,
          FakeProducers.transfer(producerOf(subject), submit.request(), TransferStatus.OK), null);
    });

    assertEquals(50, result.accepted());
    assertEquals(50, result.ok());
    assertEquals(0, result.pending());
    assertTrue(log.replies.values().stream().allMatch(reply -> reply.result() == Result.DUPLICATE));
  }

  @Test
  void aTransferNeverAnsweredFailsAfterTheLastAttemptAndIsNotAcknowledged() throws Exception {
    FireResult result = fire(20, settings(8, 4, Duration.ZERO), 1, (subject, request, attempt) -> FakeProducers.TIMEOUT);

    assertEquals(20, result.submitted());
    assertEquals(0, result.accepted());
    assertEquals(20, result.failed());
    assertEquals(60, result.retries());
    assertEquals(20, log.submitted.size(), "recorded though never answered: the audit must know of it");
    assertEquals(0, log.acknowledged());
    log.submitted.keySet().forEach(id -> assertEquals(4, producers.attempts(id)));
    assertNotNull(result.lastFailure());
    assertTrue(result.summaryLine().contains(" failed=20 "), result.summaryLine());
  }

  @Test
  void aRefusalForAnotherCauseIsFinalAndRecordedWithItsCode() throws Exception {
    FireResult result = fire(10, settings(4, 5, Duration.ZERO), 1, (subject, request, attempt) ->
        ApiReply.refused(new Refusal(Refusal.Code.UNKNOWN_ACCOUNT, "no such payer")));

    assertEquals(10, result.refused());
    assertEquals(0, result.accepted());
    assertEquals(0, result.failed());
    assertEquals(0, result.retries());
    log.replies.values().forEach(reply -> {
      assertEquals(Result.REFUSED, reply.result());
      assertEquals(Refusal.Code.UNKNOWN_ACCOUNT, reply.refusedCode());
      assertTrue(!reply.acknowledged());
    });
  }

  @Test
  void outcomesComeFromTheRepliesAndFromStatusPollsWhenAskedToWait() throws Exception {
    FireResult result = fire(100, settings(16, 3, Duration.ofSeconds(20)), 1,
        acceptAll(TransferStatus.PENDING, TransferStatus.OK));

    assertEquals(100, result.accepted());
    assertEquals(100, result.ok());
    assertEquals(0, result.pending());
    assertTrue(log.replies.values().stream().allMatch(reply -> reply.state() == TransferStatus.OK
        && reply.acknowledged()), "a status answer updates the state and keeps the acknowledgement");
  }

  @Test
  void rejectedAtOnceIsAFinalOutcomeOfAnAcceptedTransfer() throws Exception {
    FireResult result = fire(30, settings(4, 3, Duration.ZERO), 1, acceptAll(TransferStatus.REJECTED, null));

    assertEquals(30, result.accepted());
    assertEquals(30, result.rejected());
    assertEquals(0, result.pending());
  }

  @Test
  void waitingStopsAtItsDeadlineWhenTransfersStayPending() throws Exception {
    long start = System.nanoTime();
    FireResult result = fire(10, settings(4, 3, Duration.ofMillis(1_500)), 1,
        acceptAll(TransferStatus.PENDING, TransferStatus.ACKED));

    assertEquals(10, result.pending());
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(elapsedMillis >= 1_400 && elapsedMillis < 10_000, "took " + elapsedMillis + " ms");
  }

  @Test
  void backoffDoublesUpToItsMaximumWithJitter() {
    FireSettings settings = new FireSettings(1, Duration.ofSeconds(1), 20, 100, 2_000, Duration.ZERO);
    assertEquals(100, settings.backoffMillis(1, 1.0));
    assertEquals(50, settings.backoffMillis(1, 0.0));
    assertEquals(400, settings.backoffMillis(3, 1.0));
    assertEquals(2_000, settings.backoffMillis(10, 1.0));
    assertEquals(2_000, settings.backoffMillis(1_000, 1.0));
  }
}

package io.natsbank.injector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ApiRequest;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.injector.FakeProducers;
import io.natsbank.injector.MemorySubmissionLog;
import io.natsbank.injector.ProducerApi;
import io.natsbank.injector.TransferMix;
import io.natsbank.injector.TransferPlanner;
import io.natsbank.injector.UuidV7;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.Subjects;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bench's client against producers that refuse for a while: it waits, it does not storm them. */
class LoadDriverTest {
  static final int RATE_PER_SECOND = 2_000;
  static final long REFUSING_MILLIS = 1_000;

  @ParameterizedTest(name = "{0} transfers per request at most")
  @ValueSource(ints = {1, 64})
  void producersThatAnswerBusyForASecondAreNotStormedAndEveryTransferStillFinishes(int submitBatchMax)
      throws InterruptedException {
    long refusingUntilNanos = System.nanoTime() + REFUSING_MILLIS * 1_000_000;
    AtomicInteger busyAnswers = new AtomicInteger();
    FakeProducers.Script script = (subject, request, attempt) -> {
      ApiRequest.Submit submit = (ApiRequest.Submit) request;
      if (System.nanoTime() < refusingUntilNanos) {
        busyAnswers.incrementAndGet();
        return ApiReply.refused(new Refusal(Refusal.Code.BUSY, "behind"));
      }
      return new ApiReply(Result.ACCEPTED, FakeProducers.transfer("bank-p1", submit.request(), TransferStatus.OK),
          null);
    };
    MemorySubmissionLog log = new MemorySubmissionLog();
    try (FakeProducers producers = new FakeProducers(1, script)) {
      LoadDriver driver = new LoadDriver(new ProducerApi(producers, new Subjects("nbtest")), log, planner(),
          new LoadDriver.Settings(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5),
              1_000, Duration.ofSeconds(15), 50, submitBatchMax),
          System.nanoTime());

      LoadDriver.Outcome outcome = driver.run(Pacers.open(RATE_PER_SECOND, 100_000, System.nanoTime(), 1_000_000));

      // about 2,000 transfers are offered while the producers refuse; retried each on its own, with
      // backoffs from 10 ms, they drew tens of thousands of BUSY answers
      assertTrue(busyAnswers.get() < 1_000, "BUSY answers: " + busyAnswers.get());
      assertTrue(producers.outstandingMax.get() <= 50, "outstanding submits: " + producers.outstandingMax.get());
      assertEquals(0, outcome.failed(), outcome.lastProblem());
      assertEquals(0, outcome.unfinished());
      assertEquals(outcome.submitted(), outcome.acknowledged());
      assertTrue(outcome.submitted() >= RATE_PER_SECOND, "submitted: " + outcome.submitted());
      int requests = producers.requests.get();
      if (submitBatchMax == 1) {
        assertEquals(producers.seen.size(), requests, "one request per transfer");
      } else {
        // after each pause the transfers that waited go together: far fewer requests than transfers
        assertTrue(requests * 2 < producers.seen.size(), requests + " requests for " + producers.seen.size());
      }
    }
  }

  private static TransferPlanner planner() {
    return new TransferPlanner(new TransferPlanner.Settings(List.of("bank-p1"), List.of("bank-c1"), 100,
        TransferMix.parse(TransferMix.DEFAULT), Money.parsePositive("0.01", Currency.EUR),
        Money.parsePositive("50.00", Currency.EUR), Money.parsePositive("5000.00", Currency.EUR)), 5,
        new UuidV7(System::currentTimeMillis, new SplittableRandom(5))::next);
  }
}

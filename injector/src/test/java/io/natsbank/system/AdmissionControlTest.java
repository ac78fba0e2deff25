package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.FaultSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A producer bounds its unfinished transfers: past {@code --unfinished-max} a submit is answered BUSY
 * at once, and room comes back as transfers finish; and it answers BUSY while transfers take half the
 * first re-send delay or more. On a real nats-server and PostgreSQL.
 */
class AdmissionControlTest {
  private static final int UNFINISHED_MAX = 5;
  private static final int SUBMITS = 20;
  private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void pastItsBoundAProducerAnswersBusyAtOnceAndAdmitsAgainOnceTransfersFinish() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ProducerService producer = system.startProducer("p1", FaultSettings.NONE, UNFINISHED_MAX);
      // the API answers (its subscription has reached the server) before the burst goes out
      assertEquals(Result.NOT_FOUND, system.status("p1", UUID.randomUUID()).result());

      // no consumer runs: nothing can finish, so the bound must hold against a burst of distinct submits
      List<SubmitRequest> requests = new ArrayList<>();
      for (int i = 0; i < SUBMITS; i++) {
        requests.add(new SubmitRequest(UUID.randomUUID(), "c1", TestSystem.account("p1", i % 4),
            TestSystem.account("c1", 0), Money.parsePositive("1.00", Currency.EUR)));
      }
      List<CompletableFuture<Delivery>> inFlight = new ArrayList<>();
      for (SubmitRequest request : requests) {
        inFlight.add(system.client.request(system.subjects.submit("p1"), Map.of(), ApiCodec.encodeSubmit(request),
            TestSystem.REQUEST_TIMEOUT));
      }
      List<SubmitRequest> accepted = new ArrayList<>();
      List<SubmitRequest> refused = new ArrayList<>();
      for (int i = 0; i < SUBMITS; i++) {
        ApiReply reply = ApiCodec.decodeReply(inFlight.get(i).get(30, TimeUnit.SECONDS).body());
        SubmitRequest request = requests.get(i);
        if (reply.result() == Result.ACCEPTED) {
          assertEquals(TransferStatus.PENDING, reply.transfer().status());
          accepted.add(request);
        } else {
          assertEquals(Result.REFUSED, reply.result(), request.transferId().toString());
          assertEquals(Code.BUSY, reply.error().code(), reply.error().message());
          assertTrue(reply.error().message().startsWith("producer p1 has "), reply.error().message());
          assertTrue(reply.error().message().contains(" unfinished transfers, at its limit of 5"),
              reply.error().message());
          assertTrue(reply.error().message().contains(request.transferId() + " later with the same transfer id"),
              reply.error().message());
          refused.add(request);
        }
      }
      assertEquals(UNFINISHED_MAX, accepted.size(), "accepted of " + SUBMITS + " submits at a bound of 5");
      assertEquals(SUBMITS - UNFINISHED_MAX, refused.size());
      assertEquals(UNFINISHED_MAX, system.unfinished(), "exactly the accepted ones are stored, unfinished");
      assertEquals(SUBMITS - UNFINISHED_MAX, producer.counters().get("refused_total.api.BUSY"));

      // still full after the periodic re-counts (every 500 ms) read the database, and status requests are
      // never refused
      TestSystem.pause(1_200);
      ApiReply stillBusy = request(system, system.subjects.submit("p1"), ApiCodec.encodeSubmit(refused.getFirst()));
      assertEquals(Code.BUSY, stillBusy.error() == null ? null : stillBusy.error().code());
      ApiReply status = request(system, system.subjects.status("p1"),
          ApiCodec.encodeStatus(accepted.getFirst().transferId()));
      assertEquals(Result.FOUND, status.result(), "a status request is answered at the bound");
      assertEquals(TransferStatus.PENDING, status.transfer().status());

      system.startConsumer("c1", FaultSettings.NONE);
      TestSystem.await(FINISH_TIMEOUT, "the accepted transfers to be final", () -> system.unfinished() == 0);

      // room is back: the refused ones, re-sent with their ids, are accepted (a retry only while BUSY)
      for (SubmitRequest request : refused) {
        ApiReply reply = system.submit("p1", request);
        assertEquals(Result.ACCEPTED, reply.result(), () -> request.transferId() + ": " + reply.error());
      }
      system.awaitQuiet(FINISH_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals(SUBMITS, TestSystem.count(system.producers.get("p1"),
          "SELECT count(*) FROM transfers WHERE status = 'OK'"));
    }
  }

  @Test
  void whileFirstAttemptTransfersTakeHalfTheFirstResendDelayAProducerAnswersBusy() throws Exception {
    // first re-send after 2 s: the producer admits while transfers finish within 1 s
    Tuning slowResends = new Tuning(64, 10_000, 1, Duration.ofMillis(200), new Backoff(2_000, 8_000),
        Duration.ofMillis(50), 200);
    // the consumer holds back almost every response for up to 1.9 s: about half of them arrive after 1 s,
    // all of them before the first re-send
    FaultSettings slowAnswers = new FaultSettings(0, 0, 0.99, 0, 0, 0, 1_900, 7);
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", slowAnswers);
      system.startProducer("p1", slowResends);
      assertEquals(Result.NOT_FOUND, system.status("p1", UUID.randomUUID()).result());

      List<String> behind = new ArrayList<>();
      int accepted = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i = 0; behind.isEmpty() && System.nanoTime() < deadline; i++) {
        SubmitRequest request = new SubmitRequest(UUID.randomUUID(), "c1", TestSystem.account("p1", i % 4),
            TestSystem.account("c1", 0), Money.parsePositive("1.00", Currency.EUR));
        ApiReply reply = request(system, system.subjects.submit("p1"), ApiCodec.encodeSubmit(request));
        if (reply.result() == Result.ACCEPTED) {
          accepted++;
        } else {
          assertEquals(Code.BUSY, reply.error().code(), reply.error().message());
          behind.add(reply.error().message());
        }
        TestSystem.pause(20);
      }
      assertTrue(accepted > 0, "nothing was admitted");
      assertEquals(1, behind.size(), "no submit was refused while answers took over 1 s");
      assertTrue(behind.getFirst().matches("producer p1 is behind: \\d+% of recent transfers took 1000 ms or more"
          + " from submit to outcome \\(up to \\d+ ms\\); retry transfer .*"), behind.getFirst());
      system.awaitQuiet(FINISH_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
    }
  }

  private static ApiReply request(TestSystem system, String subject, byte[] body) throws Exception {
    return ApiCodec.decodeReply(
        system.client.request(subject, Map.of(), body, TestSystem.REQUEST_TIMEOUT).get(30, TimeUnit.SECONDS).body());
  }
}

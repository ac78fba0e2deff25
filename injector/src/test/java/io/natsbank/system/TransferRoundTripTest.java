package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.FaultSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** End to end on a real nats-server and PostgreSQL: the three phases, under faults and restarts. */
class TransferRoundTripTest {
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(60);

  private static SubmitRequest transfer(String payer, String consumer, String payee, String amount) {
    return new SubmitRequest(UUID.randomUUID(), consumer, payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  @Test
  void everyKindOfTransferEndsWithTheExpectedOutcome() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      SubmitRequest ok = transfer("p1-0", "c1", "c1-0", "10.50");
      SubmitRequest unknownPayee = transfer("p1-1", "c1", "c1-99", "1.00");
      SubmitRequest closedPayee = transfer("p1-1", "c1", "c1-9", "1.00");
      SubmitRequest overLimit = transfer("p1-2", "c1", "c1-8", "100.01");
      SubmitRequest atLimit = transfer("p1-2", "c1", "c1-8", "100.00");
      SubmitRequest insufficient = transfer("p1-3", "c1", "c1-0", "1000.01");
      List<SubmitRequest> all = List.of(ok, unknownPayee, closedPayee, overLimit, atLimit, insufficient);
      for (SubmitRequest request : all) {
        assertEquals(Result.ACCEPTED, system.submit("p1", request).result(), request.toString());
      }
      system.awaitQuiet(QUIET_TIMEOUT);

      assertOutcome(system, ok, TransferStatus.OK, null);
      assertOutcome(system, unknownPayee, TransferStatus.REJECTED, RejectCause.UNKNOWN_ACCOUNT);
      assertOutcome(system, closedPayee, TransferStatus.REJECTED, RejectCause.ACCOUNT_CLOSED);
      assertOutcome(system, overLimit, TransferStatus.REJECTED, RejectCause.OVER_LIMIT);
      assertOutcome(system, atLimit, TransferStatus.OK, null);
      assertOutcome(system, insufficient, TransferStatus.REJECTED, RejectCause.INSUFFICIENT_FUNDS);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals("989.50", balance(system, "p1", "p1-0"));
      assertEquals("1000.00", balance(system, "p1", "p1-1"), "rejected transfers are refunded");
      assertEquals("10.50", balance(system, "c1", "c1-0"));
      assertEquals(0, TestSystem.count(system.consumers.get("c1"),
          "SELECT count(*) FROM postings WHERE id = '" + insufficient.transferId() + "'"),
          "a transfer rejected for insufficient funds is never sent");
    }
  }

  @Test
  void aRepeatedSubmitReturnsTheStoredTransferAndAReusedIdIsRefused() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      SubmitRequest request = transfer("p1-0", "c1", "c1-0", "5.00");
      assertEquals(Result.ACCEPTED, system.submit("p1", request).result());
      ApiReply again = system.submit("p1", request);
      assertEquals(Result.DUPLICATE, again.result());
      assertEquals(request.transferId(), again.transfer().id());
      SubmitRequest sameIdOtherAmount = new SubmitRequest(request.transferId(), "c1", "p1-0", "c1-0",
          Money.parsePositive("6.00", Currency.EUR));
      ApiReply refused = system.submit("p1", sameIdOtherAmount);
      assertEquals(Result.REFUSED, refused.result());
      assertEquals(Code.TRANSFER_ID_REUSED, refused.error().code());
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals("995.00", balance(system, "p1", "p1-0"), "debited once despite three submits");
      assertEquals(List.of(), QuietChecks.violations(system));
    }
  }

  @Test
  void lossDuplicationAndReorderingInBothDirectionsStillEndClean() {
    FaultSettings faults = new FaultSettings(0.3, 0.1, 0.2, 0.1, 0.1, 0.1, 100, 7);
    try (TestSystem system = new TestSystem(List.of("p1", "p2"), List.of("c1", "c2"))) {
      system.startConsumer("c1", faults);
      system.startConsumer("c2", faults);
      ProducerService p1 = system.startProducer("p1", faults);
      system.startProducer("p2", faults);
      submitRandom(system, 200, 11);
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertTrue(p1.counters().get("sent_total.POSTING") > 0);
    }
  }

  @Test
  void aConsumerDownWhileTransfersAreSubmittedGetsThemWhenItComesBack() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ConsumerService consumer = system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      system.stop(consumer);
      List<SubmitRequest> submitted = submitRandom(system, 50, 21);
      assertEquals(50, system.unfinished() + countFinal(system), "all stored");
      assertTrue(system.unfinished() > 0, "nothing can finish while the consumer is down");
      system.startConsumer("c1", FaultSettings.NONE);
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals(submitted.size(), countFinal(system));
    }
  }

  @Test
  void aProducerStoppedMidFlightFinishesAfterRestart() throws Exception {
    FaultSettings lossy = new FaultSettings(0.5, 0, 0, 0, 0, 0, 0, 3);
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", lossy);
      ProducerService producer = system.startProducer("p1", lossy);
      submitRandom(system, 100, 31);
      system.stop(producer);
      system.startProducer("p1", FaultSettings.NONE);
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
    }
  }

  @Test
  void severalInstancesOfOneParticipantShareTheWorkAndApplyEachTransferOnce() {
    FaultSettings duplicating = new FaultSettings(0.1, 0.2, 0, 0, 0.2, 0, 0, 5);
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ConsumerService consumerA = system.startConsumer("c1", duplicating);
      ConsumerService consumerB = system.startConsumer("c1", duplicating);
      ProducerService producerA = system.startProducer("p1", duplicating);
      ProducerService producerB = system.startProducer("p1", duplicating);
      submitRandom(system, 300, 41);
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertTrue(consumerA.counters().get("batches_total.postings") > 0, "instance A took part");
      assertTrue(consumerB.counters().get("batches_total.postings") > 0, "instance B took part");
      assertTrue(producerA.counters().get("batches_total.submit") > 0, "producer A took part");
      assertTrue(producerB.counters().get("batches_total.submit") > 0, "producer B took part");
    }
  }

  static List<SubmitRequest> submitRandom(TestSystem system, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> producers = new ArrayList<>(system.producers.keySet());
    List<String> consumers = new ArrayList<>(system.consumers.keySet());
    List<SubmitRequest> submitted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String producer = producers.get(random.nextInt(producers.size()));
      String consumer = consumers.get(random.nextInt(consumers.size()));
      String amount = random.nextInt(1, 2000) + "." + String.format("%02d", random.nextInt(100));
      SubmitRequest request = transfer(TestSystem.account(producer, random.nextInt(8)), consumer,
          TestSystem.account(consumer, random.nextInt(11)), amount);
      ApiReply reply = system.submit(producer, request);
      assertEquals(Result.ACCEPTED, reply.result(), () -> "submit refused: " + reply.error());
      submitted.add(request);
    }
    return submitted;
  }

  private static long countFinal(TestSystem system) {
    return system.producers.values().stream()
        .mapToLong(db -> TestSystem.count(db, "SELECT count(*) FROM transfers WHERE status IN ('OK', 'REJECTED')"))
        .sum();
  }

  /** The producer {@code p1} answers a status request for {@code request} with this outcome. */
  static void assertOutcome(TestSystem system, SubmitRequest request, TransferStatus status, RejectCause cause) {
    ApiReply reply = system.status("p1", request.transferId());
    assertEquals(Result.FOUND, reply.result());
    assertEquals(status, reply.transfer().status(), request.toString());
    assertEquals(cause, reply.transfer().cause(), request.toString());
  }

  private static String balance(TestSystem system, String participant, String account) {
    var database = system.producers.containsKey(participant)
        ? system.producers.get(participant) : system.consumers.get(participant);
    return TestSystem.query(database, "SELECT balance FROM accounts WHERE id = '" + account + "'",
        resultSet -> resultSet.getBigDecimal(1).toPlainString()).getFirst();
  }
}

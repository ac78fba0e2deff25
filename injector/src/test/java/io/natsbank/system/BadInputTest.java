package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.codec.WireCodec;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.transport.FaultSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile and malformed input at running services: each is refused with a cause and counted, no
 * subscription stops, no balance moves, and real transfers still go through afterwards.
 */
class BadInputTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void badApiRequestsAreRefusedWithACause() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      String id = UUID.randomUUID().toString();
      assertRefused(system, "not json", Code.MALFORMED);
      assertRefused(system, "{\"v\":1,\"kind\":\"SUBMIT\"}", Code.MALFORMED);
      assertRefused(system, "{\"v\":2,\"kind\":\"SUBMIT\"}", Code.UNSUPPORTED_VERSION);
      assertRefused(system, "{\"v\":1,\"kind\":\"STEAL\",\"transferId\":\"" + id + "\"}", Code.UNKNOWN_KIND);
      assertRefused(system, submitJson(id, "c1", "p1-0", "c1-0", "-5.00"), Code.INVALID_AMOUNT);
      assertRefused(system, submitJson(id, "c1", "p1-0", "c1-0", "0.00"), Code.INVALID_AMOUNT);
      assertRefused(system, submitJson(id, "c1", "p1-0", "c1-0", "1.001"), Code.INVALID_AMOUNT);
      assertRefused(system, submitJson(id, "c1", "p1-0", "c1-0", "NaN"), Code.INVALID_AMOUNT);
      assertRefused(system, submitJson(id, "c1", "p1-404", "c1-0", "1.00"), Code.UNKNOWN_ACCOUNT);
      assertRefused(system, submitJson(id, "c404", "p1-0", "c1-0", "1.00"), Code.UNKNOWN_PARTICIPANT);
      assertRefused(system, "{" + "\"x\":\"".repeat(1) + "y".repeat(5000) + "\"}", Code.TOO_LARGE);
      assertEquals(List.of(), QuietChecks.violations(system), "nothing moved");
      assertAcceptedAndFinished(system);
    }
  }

  @Test
  void hostileProtocolMessagesChangeNothingAndKeepSubscriptionsAlive() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ConsumerService consumer = system.startConsumer("c1", FaultSettings.NONE);
      ProducerService producer = system.startProducer("p1", FaultSettings.NONE);
      String postings = system.subjects.postings("c1");
      String results = system.subjects.results("p1");
      UUID unknown = UUID.randomUUID();
      TransferTerms forOther = new TransferTerms("p1", "c2", "p1-0", "c1-0", Money.parsePositive("1.00", Currency.EUR));
      publish(system, postings, "garbage".getBytes(StandardCharsets.UTF_8));
      publish(system, postings, new byte[10_000]);
      publish(system, postings, WireCodec.encode(new Posting(unknown, forOther, 1)));
      publish(system, postings, WireCodec.encode(new Confirm(unknown, "p1", "c1", Outcome.OK)));
      publish(system, postings, WireCodec.encode(new Response(unknown, "p1", "c1", Outcome.OK, null, null, 1)));
      publish(system, results, WireCodec.encode(new Response(unknown, "p1", "c1", Outcome.OK, null, null, 1)));
      publish(system, results, WireCodec.encode(
          new Response(unknown, "p2", "c1", Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, "forged", 1)));
      publish(system, results, "{\"v\":1,\"kind\":\"RESPONSE\",\"transferId\":5}".getBytes(StandardCharsets.UTF_8));
      TestSystem.await(WAIT, "every hostile message to be counted", () ->
          total(consumer, "refused_total.posting.") + total(consumer, "refused_total.confirm.") >= 5
              && total(producer, "refused_total.response.") >= 3);
      assertEquals(1, consumer.counters().get("refused_total.posting.WRONG_RECIPIENT"));
      assertEquals(1, consumer.counters().get("refused_total.confirm.UNKNOWN_TRANSFER"));
      assertEquals(1, consumer.counters().get("refused_total.posting.UNKNOWN_KIND"));
      assertEquals(1, consumer.counters().get("refused_total.posting.TOO_LARGE"));
      assertEquals(1, producer.counters().get("refused_total.response.UNKNOWN_TRANSFER"));
      assertEquals(1, producer.counters().get("refused_total.response.WRONG_RECIPIENT"));
      assertEquals(0, TestSystem.count(system.consumers.get("c1"), "SELECT count(*) FROM postings"));
      assertEquals(List.of(), QuietChecks.violations(system), "nothing moved");
      assertAcceptedAndFinished(system);
    }
  }

  @Test
  void aForgedContradictingResponseAfterTheOutcomeIsRefusedAndChangesNothing() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ProducerService producer = system.startProducer("p1", FaultSettings.NONE);
      system.startConsumer("c1", FaultSettings.NONE);
      SubmitRequest request = new SubmitRequest(UUID.randomUUID(), "c1", "p1-0", "c1-0",
          Money.parsePositive("3.00", Currency.EUR));
      system.submit("p1", request);
      system.awaitQuiet(WAIT);
      publish(system, system.subjects.results("p1"), WireCodec.encode(new Response(request.transferId(), "p1", "c1",
          Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, "forged", 9)));
      TestSystem.await(WAIT, "the contradiction to be refused",
          () -> producer.counters().get("refused_total.response.CONTRADICTORY") == 1);
      assertEquals(Result.FOUND, system.status("p1", request.transferId()).result());
      assertEquals("OK", system.status("p1", request.transferId()).transfer().status().name());
      assertEquals(List.of(), QuietChecks.violations(system));
    }
  }

  private static long total(ProducerService service, String prefix) {
    return sum(service.counters().snapshot(), prefix);
  }

  private static long total(ConsumerService service, String prefix) {
    return sum(service.counters().snapshot(), prefix);
  }

  private static long sum(Map<String, Long> counters, String prefix) {
    return counters.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue).sum();
  }

  private static void publish(TestSystem system, String subject, byte[] body) {
    system.client.publish(subject, Map.of(), body);
    system.client.flush(Duration.ofSeconds(2));
  }

  private static String submitJson(String id, String consumer, String payer, String payee, String amount) {
    return "{\"v\":1,\"kind\":\"SUBMIT\",\"transferId\":\"" + id + "\",\"consumer\":\"" + consumer
        + "\",\"payer\":\"" + payer + "\",\"payee\":\"" + payee + "\",\"amount\":\"" + amount
        + "\",\"currency\":\"EUR\"}";
  }

  private static void assertRefused(TestSystem system, String body, Code expected) {
    ApiReply reply = system.requestWithRetries(system.subjects.submit("p1"), body.getBytes(StandardCharsets.UTF_8));
    assertEquals(Result.REFUSED, reply.result(), body);
    assertEquals(expected, reply.error().code(), () -> body + " -> " + reply.error().message());
    assertTrue(!reply.error().message().isBlank(), "a refusal says why");
  }

  private static void assertAcceptedAndFinished(TestSystem system) {
    SubmitRequest request = new SubmitRequest(UUID.randomUUID(), "c1", "p1-0", "c1-0",
        Money.parsePositive("2.00", Currency.EUR));
    assertEquals(Result.ACCEPTED, system.submit("p1", request).result(), "the service still works");
    system.awaitQuiet(WAIT);
    assertEquals(List.of(), QuietChecks.violations(system));
  }
}

package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.consumer.ConsumerConfig;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerConfig;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.runtime.HealthServer;
import io.natsbank.telemetry.Telemetry;
import io.natsbank.testing.Await;
import io.natsbank.testing.TestDatabases;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * After a run of real services, /metrics on each one's health port answers the Prometheus text
 * format with the series docs/observability.md promises, and their values add up with what the
 * databases hold.
 */
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HealthServer.Settings ANY_PORT = new HealthServer.Settings(0, Duration.ofSeconds(1),
      Duration.ofSeconds(2));
  private static final Telemetry.Settings FAST_STATE = new Telemetry.Settings(false, Duration.ofMillis(200));
  private static final int OK_TRANSFERS = 12;
  private static final int CLOSED_PAYEE_TRANSFERS = 3;
  private static final int INSUFFICIENT_FUNDS_TRANSFERS = 2;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void metricsAfterARunHaveTheKeySeriesWithValuesThatAddUp() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"));
        Telemetry producerTelemetry = Telemetry.start("producer", "p1", FAST_STATE);
        Telemetry consumerTelemetry = Telemetry.start("consumer", "c1", FAST_STATE);
        HealthServer producerHealth = HealthServer.start("producer p1", ANY_PORT);
        HealthServer consumerHealth = HealthServer.start("consumer c1", ANY_PORT);
        ConsumerService consumer = ConsumerService.start(new ConsumerConfig("c1", Set.of(),
            NatsSettings.of(system.nats.url(), "c1"), system.subjects, system.consumers.get("c1").settings(),
            FaultSettings.NONE, TestSystem.FAST_TUNING), consumerTelemetry);
        ProducerService producer = ProducerService.start(new ProducerConfig("p1", Set.of("c1"),
            NatsSettings.of(system.nats.url(), "p1"), system.subjects, system.producers.get("p1").settings(),
            FaultSettings.NONE, TestSystem.FAST_TUNING, 1_000), producerTelemetry)) {
      assertEquals(404, get(producerHealth, HealthServer.METRICS_PATH).statusCode(), "nothing to serve yet");
      producerHealth.serveMetrics(producerTelemetry::scrape);
      consumerHealth.serveMetrics(consumerTelemetry::scrape);

      List<SubmitRequest> requests = new ArrayList<>();
      for (int i = 0; i < OK_TRANSFERS; i++) {
        requests.add(transfer("p1-" + (i % 8), "c1-" + (i % 8), "1.00"));
      }
      for (int i = 0; i < CLOSED_PAYEE_TRANSFERS; i++) {
        requests.add(transfer("p1-0", "c1-9", "1.00"));
      }
      for (int i = 0; i < INSUFFICIENT_FUNDS_TRANSFERS; i++) {
        requests.add(transfer("p1-1", "c1-0", "5000.00"));
      }
      for (SubmitRequest request : requests) {
        assertEquals(Result.ACCEPTED, system.submit("p1", request).result());
      }
      system.client.publish(system.subjects.results("p1"), Map.of(), "not a message".getBytes(StandardCharsets.UTF_8));
      system.awaitQuiet(WAIT);
      long quietAtNanos = System.nanoTime();
      int posted = OK_TRANSFERS + CLOSED_PAYEE_TRANSFERS;
      Await.until("state gauges read after the run went quiet, and the refusal counted", WAIT, () -> {
        Scrape producerNow = scrape(producerHealth);
        return refreshedSince(producerNow, quietAtNanos) && refreshedSince(scrape(consumerHealth), quietAtNanos)
            && producerNow.value("natsbank_refused_total", "what", "response") == 1;
      });

      long requestedAtNanos = System.nanoTime();
      HttpResponse<String> answer = get(producerHealth, HealthServer.METRICS_PATH);
      assertEquals(200, answer.statusCode());
      assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      Scrape p1 = new Scrape(answer.body(), requestedAtNanos);
      assertFalse(p1.has("natsbank_transfers", "state", "OK"), "finished transfers are counted, not gauged");
      assertEquals(0, p1.value("natsbank_transfers", "participant", "p1", "state", "PENDING"));
      assertEquals(0, p1.value("natsbank_transfers", "state", "ACKED"));
      assertEquals(0, p1.value("natsbank_transfers_in_flight"), () -> p1.lines("natsbank_transfers"));
      assertEquals(0, p1.value("natsbank_transfers_oldest_unfinished_age_seconds"));
      assertEquals(requests.size(), p1.value("natsbank_submits_total"));
      assertEquals(posted, p1.value("natsbank_submits_total", "result", "ACCEPTED"));
      assertEquals(INSUFFICIENT_FUNDS_TRANSFERS, p1.value("natsbank_submits_total", "result", "REJECTED"));
      assertTrue(p1.value("natsbank_messages_sent_total", "kind", "POSTING") >= posted);
      assertEquals(p1.value("natsbank_messages_sent_total", "kind", "POSTING") - posted,
          p1.value("natsbank_resends_total", "kind", "POSTING"), "every posting past the first is a re-send");
      assertTrue(p1.value("natsbank_messages_sent_total", "kind", "CONFIRM") >= posted);
      assertTrue(p1.value("natsbank_messages_received_total", "kind", "RESPONSE") >= posted);
      assertEquals(OK_TRANSFERS, p1.value("natsbank_transfer_outcome_seconds_count", "outcome", "OK"));
      assertEquals(CLOSED_PAYEE_TRANSFERS, p1.value("natsbank_transfer_outcome_seconds_count", "outcome", "REJECTED"));
      assertEquals(OK_TRANSFERS, p1.value("natsbank_transfer_outcome_seconds_bucket", "outcome", "OK", "le", "+Inf"));
      assertTrue(p1.value("natsbank_transfer_outcome_seconds_sum", "outcome", "OK") > 0);
      assertEquals(requests.size(), p1.value("natsbank_batch_messages_sum", "queue", "submit"));
      assertTrue(p1.value("natsbank_batch_messages_count", "queue", "submit") >= 1);
      assertTrue(p1.value("natsbank_batch_commit_seconds_count", "queue", "responses") >= 1);
      assertTrue(p1.value("natsbank_batch_commit_seconds_sum", "queue", "responses") > 0);
      assertEquals(1, p1.value("natsbank_refused_total", "what", "response", "cause", "MALFORMED"));
      assertEquals(0, p1.value("natsbank_nats_reconnects_total"));
      assertEquals(0, p1.value("natsbank_queue_messages", "queue", "submit"));
      assertEquals(TestDatabases.POOL_SIZE_MAX, p1.value("hikaricp_connections_max", "pool", "producer-p1"));
      assertTrue(p1.has("hikaricp_connections_active", "pool", "producer-p1"));
      assertTrue(p1.has("hikaricp_connections_acquire_seconds_count", "pool", "producer-p1"));
      assertTrue(p1.value("natsbank_state_age_seconds") < WAIT.toSeconds());
      assertTrue(p1.value("jvm_memory_used_bytes") > 0, "JVM metrics");

      Scrape c1 = scrape(consumerHealth);
      assertEquals(0, c1.value("natsbank_postings", "participant", "c1", "decision", "OK", "confirmed", "false"));
      assertEquals(0, c1.value("natsbank_postings", "decision", "REJECTED", "confirmed", "false"));
      assertEquals(0, c1.value("natsbank_postings_unconfirmed"));
      assertEquals(OK_TRANSFERS, c1.value("natsbank_decisions_total", "outcome", "OK"));
      assertEquals(CLOSED_PAYEE_TRANSFERS, c1.value("natsbank_decisions_total", "outcome", "REJECTED",
          "cause", "ACCOUNT_CLOSED"));
      assertTrue(c1.value("natsbank_messages_received_total", "kind", "POSTING") >= posted);
      assertTrue(c1.value("natsbank_messages_sent_total", "kind", "RESPONSE") >= posted);
      assertEquals(c1.value("natsbank_messages_sent_total", "kind", "RESPONSE") - posted,
          c1.value("natsbank_resends_total", "kind", "RESPONSE"), "every response past the first is a re-send");
      assertTrue(c1.value("natsbank_batch_messages_count", "queue", "postings") >= 1);
      assertEquals(TestDatabases.POOL_SIZE_MAX, c1.value("hikaricp_connections_max", "pool", "consumer-c1"));
    }
  }

  /**
   * The scrape's state gauges were read from the database after {@code sinceNanos}. The age was
   * taken somewhere between the request and the answer, so it is compared with the time from
   * {@code sinceNanos} to the request: measured to the answer instead, a slow scrape let through a
   * read that began before the run went quiet.
   */
  private static boolean refreshedSince(Scrape scrape, long sinceNanos) {
    double age = scrape.value("natsbank_state_age_seconds");
    return !Double.isNaN(age) && age < (scrape.requestedAtNanos() - sinceNanos) / 1e9;
  }

  private static SubmitRequest transfer(String payer, String payee, String amount) {
    return new SubmitRequest(UUID.randomUUID(), "c1", payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  private Scrape scrape(HealthServer health) {
    long requestedAtNanos = System.nanoTime();
    HttpResponse<String> answer = get(health, HealthServer.METRICS_PATH);
    assertEquals(200, answer.statusCode());
    return new Scrape(answer.body(), requestedAtNanos);
  }

  private HttpResponse<String> get(HealthServer health, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A Prometheus text exposition, read line by line: {@code name{label="value",...} number}. */
  record Scrape(String text, long requestedAtNanos) {
    /** The sum over the series named {@code name} that carry every given label pair. */
    double value(String name, String... labelPairs) {
      double sum = 0;
      boolean found = false;
      for (String line : text.split("\n")) {
        if (matches(line, name, labelPairs)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      if (!found) {
        throw new AssertionError("no series " + name + " " + List.of(labelPairs) + " in /metrics:\n" + text);
      }
      return sum;
    }

    /** The series whose names start with {@code prefix}, with their values, to show when an assertion fails. */
    String lines(String prefix) {
      return String.join("\n", text.lines().filter(line -> line.startsWith(prefix)).toList());
    }

    boolean has(String name, String... labelPairs) {
      return text.lines().anyMatch(line -> matches(line, name, labelPairs));
    }

    private static boolean matches(String line, String name, String... labelPairs) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        return false;
      }
      for (int i = 0; i < labelPairs.length; i += 2) {
        if (!line.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"")) {
          return false;
        }
      }
      return true;
    }
  }
}

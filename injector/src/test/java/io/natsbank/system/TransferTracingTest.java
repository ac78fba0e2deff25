package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.consumer.ConsumerConfig;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerConfig;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.telemetry.Telemetry;
import io.natsbank.telemetry.TransferTraceContext;
import io.natsbank.testing.Await;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real producer and consumer services, each with its own OpenTelemetry SDK exporting to one
 * in-memory exporter (as two processes would export to one collector): every transfer is one trace
 * whose spans come from both services and cover the three phases, linked through the traceparent
 * header of the NATS messages.
 */
class TransferTracingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("natsbank.attempt");
  private static final AttributeKey<Boolean> RESEND = AttributeKey.booleanKey("natsbank.resend");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("natsbank.outcome");
  /** Slow re-sends: a run without loss normally sends each message once. */
  private static final Tuning CALM = new Tuning(64, 10_000, 2, Duration.ofMillis(200), new Backoff(2_000, 4_000),
      Duration.ofMillis(50), 200);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();

  @AfterEach
  void closeSdks() {
    sdks.forEach(OpenTelemetrySdk::close);
  }

  /** The telemetry of one process, whose spans carry {@code serviceName}. */
  private Telemetry process(String serviceName) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    sdks.add(sdk);
    return Telemetry.tracingWith(sdk, Duration.ofSeconds(1));
  }

  private static ProducerService producer(TestSystem system, Telemetry telemetry, Tuning tuning) {
    return ProducerService.start(new ProducerConfig("p1", system.consumers.keySet(),
        NatsSettings.of(system.nats.url(), "p1"), system.subjects, system.producers.get("p1").settings(),
        FaultSettings.NONE, tuning, 1_000), telemetry);
  }

  private static ConsumerService consumer(TestSystem system, Telemetry telemetry, Tuning tuning) {
    return ConsumerService.start(new ConsumerConfig("c1", Set.of(), NatsSettings.of(system.nats.url(), "c1"),
        system.subjects, system.consumers.get("c1").settings(), FaultSettings.NONE, tuning), telemetry);
  }

  private static SubmitRequest transfer(String payee) {
    return new SubmitRequest(UUID.randomUUID(), "c1", "p1-0", payee, Money.parsePositive("12.50", Currency.EUR));
  }

  @Test
  void aTransferIsOneTraceWithSpansFromBothServicesForAllThreePhases() {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"));
        Telemetry producerTelemetry = process("p1");
        Telemetry consumerTelemetry = process("c1");
        ConsumerService consumer = consumer(system, consumerTelemetry, CALM);
        ProducerService producer = producer(system, producerTelemetry, CALM)) {
      SubmitRequest request = transfer("c1-0");
      assertEquals(Result.ACCEPTED, system.submit("p1", request).result());
      system.awaitQuiet(WAIT);
      String traceId = TransferTraceContext.traceId(request.transferId());
      Await.until("the confirm received by c1", WAIT, () -> !named(spansOf(traceId), "confirm received").isEmpty());

      List<SpanData> trace = spansOf(traceId);
      assertEquals(Set.of("submit", "posting sent", "response received", "outcome applied", "confirm sent"),
          namesFrom(trace, "p1"), "the producer's spans");
      assertEquals(Set.of("posting received", "decision", "response sent", "confirm received"),
          namesFrom(trace, "c1"), "the consumer's spans");
      assertTrue(exporter.getFinishedSpanItems().stream().filter(span -> span.getName().endsWith(" sent"))
          .allMatch(span -> span.getTraceId().equals(TransferTraceContext.traceId(request.transferId()))));

      SpanData submit = named(trace, "submit").getFirst();
      assertEquals(SpanKind.SERVER, submit.getKind());
      assertEquals("ACCEPTED", submit.getAttributes().get(AttributeKey.stringKey("natsbank.result")));
      for (SpanData posting : named(trace, "posting sent")) {
        assertEquals(SpanKind.PRODUCER, posting.getKind());
        if (posting.getAttributes().get(ATTEMPT) == 1) {
          assertEquals(submit.getSpanId(), posting.getParentSpanId(), "the first posting is sent by the submit");
        }
      }
      assertEachReceivedIsAChildOfASent(trace, "posting");
      assertEachReceivedIsAChildOfASent(trace, "response");
      assertEachReceivedIsAChildOfASent(trace, "confirm");
      SpanData decision = named(trace, "decision").getFirst();
      assertEquals("OK", decision.getAttributes().get(OUTCOME));
      assertTrue(spanIds(named(trace, "posting received")).contains(decision.getParentSpanId()));
      SpanData applied = named(trace, "outcome applied").getFirst();
      assertEquals("OK", applied.getAttributes().get(OUTCOME));
      assertTrue(spanIds(named(trace, "response received")).contains(applied.getParentSpanId()));
      assertTrue(named(trace, "confirm received").stream().anyMatch(span -> span.getEvents().stream()
          .anyMatch(event -> event.getName().startsWith("confirmed"))), "the consumer recorded the confirmation");
    }
  }

  @Test
  void reSendsJoinTheSameTraceWithTheirAttemptNumbers() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"));
        Telemetry producerTelemetry = process("p1");
        Telemetry consumerTelemetry = process("c1");
        ProducerService producer = producer(system, producerTelemetry, TestSystem.FAST_TUNING)) {
      SubmitRequest request = transfer("c1-9");
      assertEquals(Result.ACCEPTED, system.submit("p1", request).result());
      Await.until("a second posting while no consumer runs", WAIT, () -> TestSystem.count(system.producers.get("p1"),
          "SELECT attempts FROM transfers WHERE id = '" + request.transferId() + "'") >= 2);
      String traceId = TransferTraceContext.traceId(request.transferId());
      try (ConsumerService consumer = consumer(system, consumerTelemetry, TestSystem.FAST_TUNING)) {
        system.awaitQuiet(WAIT);
        Await.until("the confirm received by c1", WAIT, () -> !named(spansOf(traceId), "confirm received").isEmpty());
      }

      List<SpanData> trace = spansOf(traceId);
      String root = TransferTraceContext.root(request.transferId()).getSpanId();
      List<SpanData> postings = named(trace, "posting sent");
      Set<Long> attempts = postings.stream().map(span -> span.getAttributes().get(ATTEMPT)).collect(Collectors.toSet());
      assertTrue(attempts.containsAll(Set.of(1L, 2L)), "attempts " + attempts);
      for (SpanData resent : postings) {
        if (resent.getAttributes().get(ATTEMPT) > 1) {
          assertEquals(Boolean.TRUE, resent.getAttributes().get(RESEND));
          assertEquals(root, resent.getParentSpanId(), "a re-send descends from the transfer's root context");
        } else {
          assertEquals(Boolean.FALSE, resent.getAttributes().get(RESEND));
        }
      }
      assertFalse(namesFrom(trace, "c1").isEmpty());
      assertTrue(namesFrom(trace, "c1").containsAll(Set.of("posting received", "decision", "response sent",
          "confirm received")), "consumer spans " + namesFrom(trace, "c1"));
      assertTrue(namesFrom(trace, "p1").containsAll(Set.of("submit", "posting sent", "response received",
          "outcome applied", "confirm sent")), "producer spans " + namesFrom(trace, "p1"));
      assertEquals("REJECTED", named(trace, "decision").getFirst().getAttributes().get(OUTCOME),
          "c1-9 is a closed account");
      assertEachReceivedIsAChildOfASent(trace, "posting");
    }
  }

  private List<SpanData> spansOf(String traceId) {
    return exporter.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(span -> span.getName().equals(name)).toList();
  }

  private static Set<String> namesFrom(List<SpanData> spans, String service) {
    return spans.stream().filter(span -> service.equals(span.getResource().getAttribute(SERVICE_NAME)))
        .map(SpanData::getName).collect(Collectors.toSet());
  }

  private static Set<String> spanIds(List<SpanData> spans) {
    return spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
  }

  /** Every "KIND received" span is the child of a "KIND sent" span of the other service: the header carried it. */
  private static void assertEachReceivedIsAChildOfASent(List<SpanData> trace, String kind) {
    Map<String, SpanData> sent = named(trace, kind + " sent").stream()
        .collect(Collectors.toMap(SpanData::getSpanId, span -> span));
    List<SpanData> received = named(trace, kind + " received");
    assertFalse(received.isEmpty(), "no " + kind + " received");
    for (SpanData span : received) {
      SpanData parent = sent.get(span.getParentSpanId());
      assertTrue(parent != null, kind + " received " + span.getSpanId() + " has parent " + span.getParentSpanId()
          + ", not a " + kind + " sent span");
      assertFalse(parent.getResource().getAttribute(SERVICE_NAME).equals(span.getResource().getAttribute(SERVICE_NAME)),
          "sent by the other service");
      assertEquals(SpanKind.CONSUMER, span.getKind());
    }
  }
}

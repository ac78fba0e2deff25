package io.natsbank.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.natsbank.codec.WireCodec;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.transport.FaultyTransport;
import io.natsbank.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The Micrometer instruments of one service instance, every one tagged with its participant. Names
 * follow the Prometheus conventions once exported: {@code natsbank_messages_sent_total},
 * {@code natsbank_transfer_outcome_seconds}, and so on (docs/observability.md lists them all). The
 * meters of the hot path are created up front, so counting a message is one increment.
 */
final class ServiceMetrics implements AutoCloseable {
  static final String PARTICIPANT = "participant";
  /** Buckets of the submit-to-outcome histogram: from a fast round trip to many re-sends. */
  private static final Duration[] OUTCOME_BUCKETS = durations(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
      10_000, 30_000, 60_000, 300_000);
  private static final Duration[] COMMIT_BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500,
      5_000, 10_000);
  private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<WireCodec.Kind, Counter> received = new EnumMap<>(WireCodec.Kind.class);
  private final Map<WireCodec.Kind, Counter> sent = new EnumMap<>(WireCodec.Kind.class);
  private final Map<WireCodec.Kind, Counter> resends = new EnumMap<>(WireCodec.Kind.class);
  private final Map<WireCodec.Kind, Counter> duplicates = new EnumMap<>(WireCodec.Kind.class);
  private final Map<Outcome, Timer> outcomeLatency = new EnumMap<>(Outcome.class);
  private final Map<String, Counter> byName = new ConcurrentHashMap<>();
  private final Map<String, Timer> commitLatency = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> batchSizes = new ConcurrentHashMap<>();

  ServiceMetrics(MeterRegistry registry, String participant) {
    this.registry = registry;
    this.tags = Tags.of(PARTICIPANT, participant);
    for (WireCodec.Kind kind : WireCodec.Kind.values()) {
      Tags kindTag = tags.and("kind", kind.name());
      received.put(kind, keep(Counter.builder("natsbank.messages.received").tags(kindTag)
          .description("Protocol messages received and decoded").register(registry)));
      sent.put(kind, keep(Counter.builder("natsbank.messages.sent").tags(kindTag)
          .description("Protocol messages published (first sends and re-sends)").register(registry)));
      resends.put(kind, keep(Counter.builder("natsbank.resends").tags(kindTag)
          .description("Protocol messages sent again: postings and responses after their first attempt, "
              + "confirms for responses to transfers already final").register(registry)));
      duplicates.put(kind, keep(Counter.builder("natsbank.duplicates").tags(kindTag)
          .description("Protocol messages received again for a step already done: answered from what is stored")
          .register(registry)));
    }
    for (Outcome outcome : List.of(Outcome.OK, Outcome.REJECTED)) {
      outcomeLatency.put(outcome, keep(Timer.builder("natsbank.transfer.outcome").tags(tags)
          .tag("outcome", outcome.name())
          .description("From submit to the final outcome applied at the producer, for transfers that were posted")
          .serviceLevelObjectives(OUTCOME_BUCKETS).register(registry)));
    }
  }

  private static Duration[] durations(long... millis) {
    Duration[] durations = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      durations[i] = Duration.ofMillis(millis[i]);
    }
    return durations;
  }

  private <M extends Meter> M keep(M meter) {
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }

  static int attempt(ProtocolMessage message) {
    return switch (message) {
      case Posting posting -> posting.attempt();
      case Response response -> response.attempt();
      case Confirm confirm -> 1;
    };
  }

  void received(ProtocolMessage message) {
    received.get(WireCodec.kindOf(message)).increment();
  }

  /** A message published; postings and responses after their first attempt count as re-sends. */
  void sent(ProtocolMessage message) {
    WireCodec.Kind kind = WireCodec.kindOf(message);
    sent.get(kind).increment();
    if (attempt(message) > 1) {
      resends.get(kind).increment();
    }
  }

  void confirmSentAgain() {
    resends.get(WireCodec.Kind.CONFIRM).increment();
  }

  void duplicate(WireCodec.Kind kind) {
    duplicates.get(kind).increment();
  }

  void outcomeApplied(Outcome outcome, long submitToFinalMillis) {
    outcomeLatency.get(outcome).record(Math.max(0, submitToFinalMillis), TimeUnit.MILLISECONDS);
  }

  void refused(String what, String cause) {
    counter("natsbank.refused", "Messages and requests refused, by what they were and the cause",
        "what", what, "cause", cause).increment();
  }

  void handlerError(String what) {
    counter("natsbank.handler.errors", "Deliveries whose handler failed unexpectedly (a bug: see the log)",
        "what", what).increment();
  }

  void dropped(String queue) {
    counter("natsbank.dropped.messages", "Messages dropped because their queue stayed full (peers re-send them)",
        "queue", queue).increment();
  }

  void submitted(String result) {
    counter("natsbank.submits", "Submit requests by result: ACCEPTED (posted), REJECTED (at once), DUPLICATE, "
        + "REFUSED", "result", result).increment();
  }

  void decided(Outcome outcome, RejectCause cause) {
    counter("natsbank.decisions", "Postings decided by this consumer, by outcome and cause",
        "outcome", outcome.name(), "cause", cause == null ? "" : cause.name()).increment();
  }

  void committed(String queue, int size, long elapsedNanos) {
    batchSizes.computeIfAbsent(queue, name -> keep(DistributionSummary.builder("natsbank.batch.messages").tags(tags)
        .tag("queue", name).baseUnit("messages")
        .description("Messages handled per database transaction").serviceLevelObjectives(BATCH_SIZE_BUCKETS)
        .register(registry))).record(size);
    commitLatency.computeIfAbsent(queue, name -> keep(Timer.builder("natsbank.batch.commit").tags(tags)
        .tag("queue", name).description("From the start of a batch's transaction to its commit, retries included")
        .serviceLevelObjectives(COMMIT_BUCKETS).register(registry))).record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  void watchQueue(String queue, IntSupplier size) {
    keep(Gauge.builder("natsbank.queue.messages", size, IntSupplier::getAsInt).tags(tags).tag("queue", queue)
        .description("Messages waiting in this process for a batch").strongReference(true).register(registry));
  }

  void watchTransport(Transport transport) {
    keep(FunctionCounter.builder("natsbank.nats.reconnects", transport, Transport::reconnects).tags(tags)
        .description("Times the connection to NATS was re-established").register(registry));
    keep(FunctionCounter.builder("natsbank.nats.publish.failures", transport, Transport::publishFailures).tags(tags)
        .description("Messages NATS could not take (disconnected, buffer full): lost, re-sends cover them")
        .register(registry));
    keep(FunctionCounter.builder("natsbank.nats.frames.refused", transport, Transport::framesRefused).tags(tags)
        .description("Frames of several protocol messages refused on arrival as malformed: re-sends cover them")
        .register(registry));
    if (transport instanceof FaultyTransport faulty) {
      String description = "Faults injected on protocol messages by --fault-* (demos and tests)";
      keep(FunctionCounter.builder("natsbank.faults.injected", faulty, FaultyTransport::dropped).tags(tags)
          .tag("fault", "drop").description(description).register(registry));
      keep(FunctionCounter.builder("natsbank.faults.injected", faulty, FaultyTransport::duplicated).tags(tags)
          .tag("fault", "duplicate").description(description).register(registry));
      keep(FunctionCounter.builder("natsbank.faults.injected", faulty, FaultyTransport::delayed).tags(tags)
          .tag("fault", "delay").description(description).register(registry));
    }
  }

  MeterRegistry registry() {
    return registry;
  }

  Tags tags() {
    return tags;
  }

  private Counter counter(String name, String description, String... tagPairs) {
    String key = name + String.join("\u0000", tagPairs);
    return byName.computeIfAbsent(key, unused -> keep(Counter.builder(name).tags(tags).tags(tagPairs)
        .description(description).register(registry)));
  }

  /** Removes this instance's meters, so that another instance can register its own in the same registry. */
  @Override
  public void close() {
    synchronized (meters) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }
}

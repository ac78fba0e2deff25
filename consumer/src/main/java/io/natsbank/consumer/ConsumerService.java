package io.natsbank.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.codec.DecodeException;
import io.natsbank.codec.WireCodec;
import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.node.ConsumerNode;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.Response;
import io.natsbank.runtime.BatchWorker;
import io.natsbank.runtime.Counters;
import io.natsbank.runtime.HealthServer;
import io.natsbank.runtime.InboundGuard;
import io.natsbank.runtime.ReadinessChecks;
import io.natsbank.runtime.Resender;
import io.natsbank.runtime.Services;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.PgConsumerStore;
import io.natsbank.telemetry.ServiceTelemetry;
import io.natsbank.telemetry.Telemetry;
import io.natsbank.telemetry.Traced;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running consumer instance: postings and confirms arriving on its subject feed one bounded batch
 * queue; each batch runs through the {@link ConsumerNode} in one transaction; a re-send loop answers
 * again until each decision is confirmed.
 */
public final class ConsumerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final ConsumerConfig config;
  private final HikariDataSource dataSource;
  private final Transport transport;
  private final ConsumerNode node;
  private final Counters counters = new Counters();
  private final InboundGuard guard;
  private final ServiceTelemetry telemetry;
  /** Closed with the service when the service made it itself. */
  private final Telemetry ownTelemetry;
  /** Postings: the step every transfer waits for. */
  private final BatchWorker<Traced<ProtocolMessage>> postings;
  /**
   * Confirms, in their own batches: a confirm only ends the re-sends of a decision, so it need not
   * delay the next postings' decisions (they would share a transaction otherwise). The two touch
   * different rows but for a re-sent posting, and both take the transfer ids' advisory locks first,
   * in one sorted statement, so they never wait on each other in a cycle.
   */
  private final BatchWorker<Traced<ProtocolMessage>> confirms;
  private final Transport.Subscription subscription;
  private final Resender resender;

  private ConsumerService(ConsumerConfig config, Telemetry processTelemetry, boolean ownsTelemetry) {
    this.config = config;
    this.guard = new InboundGuard(config.name(), counters);
    this.telemetry = new ServiceTelemetry(processTelemetry, config.name(), guard);
    this.ownTelemetry = ownsTelemetry ? processTelemetry : null;
    this.dataSource = Services.openDatabase(config.database(), Database.Role.CONSUMER, "consumer-" + config.name());
    this.transport = Services.transport(config.nats(), config.faults(), config.subjects());
    Subjects subjects = config.subjects();
    ConsumerCore core = new ConsumerCore(
        new ConsumerCore.Settings(config.name(), config.producers(), config.tuning().backoff()));
    this.node = new ConsumerNode(core, new PgConsumerStore(dataSource, config.database().statementTimeoutMillis()),
        this::publish, System::currentTimeMillis, ThreadLocalRandom.current(), telemetry);
    Tuning tuning = config.tuning();
    this.postings = inboundWorker("postings", tuning);
    this.confirms = inboundWorker("confirms", tuning);
    this.subscription = transport.subscribe(subjects.postings(config.name()), config.name(),
        telemetry.guard("posting", this::onDelivery));
    this.resender = new Resender("resend-" + config.name(), tuning.resendScan(), tuning.resendBatchMax(),
        Tuning.RESEND_BATCHES_PER_SCAN_MAX, node::resendDue);
    telemetry.watch(dataSource, Database.Role.CONSUMER, transport);
    telemetry.watchQueue("postings", postings::queued);
    telemetry.watchQueue("confirms", confirms::queued);
    log.info("consumer {} started: postings on {}, producers {}", config.name(), subjects.postings(config.name()),
        config.producers().isEmpty() ? "any" : config.producers());
  }

  private BatchWorker<Traced<ProtocolMessage>> inboundWorker(String queue, Tuning tuning) {
    return new BatchWorker<>(queue + "-" + config.name(), tuning.queueCapacity(), tuning.batchSizeMax(),
        tuning.workers(), batch -> telemetry.inBatch(batch, node::onMessages), (batch, e) -> log.warn(
            "{}: {} {} not applied, producers will re-send: {}", config.name(), batch.size(), queue, e.toString()));
  }

  public static ConsumerService start(ConsumerConfig config) {
    return new ConsumerService(config, Telemetry.off(), true);
  }

  /** {@link #start(ConsumerConfig)}, reporting to {@code telemetry}, which the caller closes after the service. */
  public static ConsumerService start(ConsumerConfig config, Telemetry telemetry) {
    return new ConsumerService(config, telemetry, false);
  }

  private void publish(List<? extends ProtocolMessage> messages) {
    telemetry.publishAll(transport, config.subjects(), messages);
    messages.forEach(message -> counters.increment("sent_total." + WireCodec.kindOf(message)));
  }

  private void onDelivery(Delivery delivery) {
    ProtocolMessage message;
    try {
      message = WireCodec.decode(delivery.body());
    } catch (DecodeException e) {
      telemetry.refused("posting", e.transferId(), e.refusal());
      return;
    }
    if (message instanceof Response) {
      telemetry.refused("posting", message.transferId(),
          new Refusal(Code.UNKNOWN_KIND, "RESPONSE is not taken on a consumer's postings subject"));
      return;
    }
    Traced<ProtocolMessage> traced = telemetry.received(message, delivery);
    if (message instanceof Confirm) {
      enqueue(confirms, "confirms", "dropped_total.confirm_queue_full", traced);
    } else {
      enqueue(postings, "postings", "dropped_total.posting_queue_full", traced);
    }
  }

  private void enqueue(BatchWorker<Traced<ProtocolMessage>> queue, String name, String droppedCounter,
      Traced<ProtocolMessage> traced) {
    if (!queue.offer(traced, config.tuning().enqueueWait())) {
      counters.increment(droppedCounter);
      telemetry.dropped(name, traced);
    }
  }

  public String name() {
    return config.name();
  }

  public Counters counters() {
    return counters;
  }

  public boolean isReady() {
    return HealthServer.allPass(healthChecks());
  }

  /** The checks behind readiness, run in the background by the {@link HealthServer}. */
  public List<HealthServer.Check> healthChecks() {
    return ReadinessChecks.of(transport, List.of(subscription), dataSource);
  }

  @Override
  public void close() {
    subscription.close();
    postings.close(CLOSE_TIMEOUT);
    confirms.close(CLOSE_TIMEOUT);
    resender.close();
    telemetry.close();
    transport.close();
    dataSource.close();
    if (ownTelemetry != null) {
      ownTelemetry.close();
    }
    log.info("consumer {} stopped: {}", config.name(), counters.snapshot());
  }
}

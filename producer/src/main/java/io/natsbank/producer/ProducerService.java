package io.natsbank.producer;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ApiRequest;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.codec.DecodeException;
import io.natsbank.codec.WireCodec;
import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.node.ProducerNode;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerCore.ResponseDecision;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.runtime.Admission;
import io.natsbank.runtime.BatchWorker;
import io.natsbank.runtime.Counters;
import io.natsbank.runtime.HealthServer;
import io.natsbank.runtime.InboundGuard;
import io.natsbank.runtime.LatencyGate;
import io.natsbank.runtime.PeriodicTask;
import io.natsbank.runtime.ReadinessChecks;
import io.natsbank.runtime.Resender;
import io.natsbank.runtime.Services;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.PgProducerStore;
import io.natsbank.telemetry.ServiceTelemetry;
import io.natsbank.telemetry.Telemetry;
import io.natsbank.telemetry.Traced;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running producer instance: the API (submit, submit batch, status) and the responses subject feed
 * bounded batch queues; each batch runs through the {@link ProducerNode} in one transaction; a re-send
 * loop posts what is unanswered. Several instances with the same name share the database and the
 * queue groups.
 *
 * <p>It owns the flow control: a submit is admitted only while the producer's unfinished transfers
 * stay under {@link ProducerConfig#unfinishedMax()} ({@link Admission}) and while nine in ten of them
 * finish within half the first re-send delay ({@link LatencyGate}), else answered BUSY at once; the
 * node knows nothing of it.
 */
public final class ProducerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProducerService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How often the admission's estimate is replaced by the database's count of unfinished transfers:
   * often enough that the other instances' work shows within half a second, rarely enough that the
   * count (one index scan of at most the bound's rows, one more commit) costs nothing measurable.
   */
  static final Duration ADMISSION_REFRESH = Duration.ofMillis(500);
  /** How long a transfer's submit-to-outcome latency keeps the {@link LatencyGate} closed: one to two of these. */
  static final long LATENCY_GATE_WINDOW_MILLIS = 250;
  /** Submits refused at the bound are not logged one by one: one line per this interval at most. */
  static final long ADMISSION_LOG_INTERVAL_MILLIS = 10_000;

  /** Where the answer to one submitted transfer goes: its own reply, or its place in a batch's. */
  @FunctionalInterface
  interface ReplyTo {
    void send(ApiReply reply);
  }

  private record SubmitJob(SubmitRequest request, ReplyTo replyTo) {}

  private record StatusJob(UUID transferId, String replyTo) {}

  private final ProducerConfig config;
  private final HikariDataSource dataSource;
  private final Transport transport;
  private final ProducerNode node;
  private final PgProducerStore store;
  private final Admission admission;
  /** Closed while first-attempt transfers take half the first re-send delay or more: queues too long. */
  private final LatencyGate latencyGate;
  private final AtomicLong admissionLoggedAtMillis = new AtomicLong();
  /** Whether the last count failed; touched only by the refresh thread. */
  private boolean admissionCountFailing;
  private final Counters counters = new Counters();
  private final InboundGuard guard;
  private final ServiceTelemetry telemetry;
  /** Closed with the service when the service made it itself. */
  private final Telemetry ownTelemetry;
  private final BatchWorker<Traced<SubmitJob>> submits;
  private final BatchWorker<StatusJob> statuses;
  private final BatchWorker<Traced<Response>> responses;
  private final List<Transport.Subscription> subscriptions = new ArrayList<>();
  private final Resender resender;
  private final PeriodicTask admissionRefresh;

  private ProducerService(ProducerConfig config, Telemetry processTelemetry, boolean ownsTelemetry) {
    this.config = config;
    this.guard = new InboundGuard(config.name(), counters);
    this.telemetry = new ServiceTelemetry(processTelemetry, config.name(), guard);
    this.ownTelemetry = ownsTelemetry ? processTelemetry : null;
    this.dataSource = Services.openDatabase(config.database(), Database.Role.PRODUCER, "producer-" + config.name());
    this.transport = Services.transport(config.nats(), config.faults(), config.subjects());
    Subjects subjects = config.subjects();
    ProducerCore core = new ProducerCore(new ProducerCore.Settings(
        config.name(), config.consumers(), config.tuning().backoff(), config.ackedResendMillis()));
    this.store = new PgProducerStore(dataSource, config.database().statementTimeoutMillis());
    this.node = new ProducerNode(core, store, messages -> publish(subjects, messages), System::currentTimeMillis,
        ThreadLocalRandom.current(), telemetry);
    this.admission = new Admission(config.unfinishedMax(), store.unfinishedCount());
    this.latencyGate = new LatencyGate(Math.max(1, config.tuning().backoff().initialMillis() / 2),
        LATENCY_GATE_WINDOW_MILLIS);
    Tuning tuning = config.tuning();
    this.submits = new BatchWorker<>("submit-" + config.name(), tuning.queueCapacity(), tuning.batchSizeMax(),
        tuning.workers(), this::submitBatch, (jobs, e) -> submitBatchFailed(Traced.messages(jobs), e));
    this.statuses = new BatchWorker<>("status-" + config.name(), tuning.queueCapacity(), tuning.batchSizeMax(), 1,
        this::statusBatch, (jobs, e) -> jobs.forEach(job -> reply(job.replyTo(), unavailable(e))));
    this.responses = new BatchWorker<>("responses-" + config.name(), tuning.queueCapacity(), tuning.batchSizeMax(),
        tuning.workers(), batch -> telemetry.inBatch(batch, this::responseBatch), (batch, e) -> log.warn(
            "{}: {} responses not applied, consumers will re-send: {}", config.name(), batch.size(), e.toString()));
    String group = config.name();
    subscriptions.add(transport.subscribe(subjects.results(config.name()), group,
        telemetry.guard("response", this::onResponseDelivery)));
    subscriptions.add(transport.subscribe(subjects.submit(config.name()), group,
        telemetry.guard("api", this::onApiDelivery)));
    subscriptions.add(transport.subscribe(subjects.status(config.name()), group,
        telemetry.guard("api", this::onApiDelivery)));
    this.resender = new Resender("resend-" + config.name(), tuning.resendScan(), tuning.resendBatchMax(),
        Tuning.RESEND_BATCHES_PER_SCAN_MAX, node::resendDue);
    this.admissionRefresh = new PeriodicTask("admission-" + config.name(), ADMISSION_REFRESH, this::refreshAdmission);
    telemetry.watch(dataSource, Database.Role.PRODUCER, transport);
    telemetry.watchQueue("submit", submits::queued);
    telemetry.watchQueue("responses", responses::queued);
    log.info("producer {} started: consumers {}, results on {}, API on {}, {} unfinished transfers (at most {})",
        config.name(), config.consumers(), subjects.results(config.name()), subjects.submit(config.name()),
        admission.estimate(), admission.limit());
  }

  /** Opens the database (running migrations), connects to NATS, subscribes and starts re-sending. */
  public static ProducerService start(ProducerConfig config) {
    return new ProducerService(config, Telemetry.off(), true);
  }

  /** {@link #start(ProducerConfig)}, reporting to {@code telemetry}, which the caller closes after the service. */
  public static ProducerService start(ProducerConfig config, Telemetry telemetry) {
    return new ProducerService(config, telemetry, false);
  }

  private void publish(Subjects subjects, List<? extends ProtocolMessage> messages) {
    telemetry.publishAll(transport, subjects, messages);
    messages.forEach(message -> counters.increment("sent_total." + WireCodec.kindOf(message)));
  }

  private void onResponseDelivery(Delivery delivery) {
    ProtocolMessage message;
    try {
      message = WireCodec.decode(delivery.body());
    } catch (DecodeException e) {
      telemetry.refused("response", e.transferId(), e.refusal());
      return;
    }
    if (!(message instanceof Response response)) {
      telemetry.refused("response", message.transferId(),
          new Refusal(Code.UNKNOWN_KIND, WireCodec.kindOf(message) + " is not taken on a producer's results subject"));
      return;
    }
    Traced<Response> traced = telemetry.received(response, delivery);
    if (!responses.offer(traced, config.tuning().enqueueWait())) {
      counters.increment("dropped_total.response_queue_full");
      telemetry.dropped("responses", traced);
    }
  }

  private void onApiDelivery(Delivery delivery) {
    ApiRequest request;
    try {
      request = ApiCodec.decodeRequest(delivery.body());
    } catch (DecodeException e) {
      telemetry.refused("api", e.transferId(), e.refusal());
      reply(delivery.replyTo(), ApiReply.refused(e.refusal()));
      return;
    }
    ReplyTo alone = reply -> reply(delivery.replyTo(), reply);
    switch (request) {
      case ApiRequest.Submit submit -> onSubmit(submit.request(), delivery, alone);
      case ApiRequest.SubmitBatch batch -> onSubmitBatch(batch, delivery);
      // never refused by admission: asking about a transfer adds no work to the protocol
      case ApiRequest.Status status -> {
        if (!statuses.offer(new StatusJob(status.transferId(), delivery.replyTo()), config.tuning().enqueueWait())) {
          busy(alone, null, "producer " + config.name() + " is overloaded; retry later");
        }
      }
    }
  }

  /**
   * Each transfer of the batch is admitted and queued as if submitted alone, in the request's order;
   * the one reply goes, in the form the request asked for, when the last of them is settled
   * ({@link BatchReplies}).
   */
  private void onSubmitBatch(ApiRequest.SubmitBatch batch, Delivery delivery) {
    String replyTo = delivery.replyTo();
    List<SubmitRequest> requests = batch.requests();
    BatchReplies replies = new BatchReplies(requests.size(),
        all -> publishReply(replyTo, ApiCodec.encodeReplies(all, batch.replies())));
    for (int i = 0; i < requests.size(); i++) {
      onSubmit(requests.get(i), delivery, replies.place(i));
    }
  }

  /**
   * Admits the submit while transfers finish in time ({@link LatencyGate}) and the unfinished ones
   * leave room ({@link Admission}), then queues it; BUSY at once when any of the three says no.
   */
  private void onSubmit(SubmitRequest request, Delivery delivery, ReplyTo replyTo) {
    Traced<SubmitJob> job = telemetry.submitReceived(new SubmitJob(request, replyTo), request, delivery);
    long now = System.currentTimeMillis();
    if (!latencyGate.isOpen(now)) {
      String behind = latencyGate.recentSlowPercent(now) + "% of recent transfers took "
          + latencyGate.limitMillis() + " ms or more from submit to outcome (up to "
          + latencyGate.recentMaxMillis(now) + " ms)";
      logAdmissionRefusal(request, behind + ", the limit is " + LatencyGate.SLOW_SHARE_PERCENT + "%");
      busy(replyTo, job, "producer " + config.name() + " is behind: " + behind + "; retry transfer "
          + request.transferId() + " later with the same transfer id");
      return;
    }
    if (!admission.tryAdmit()) {
      long estimate = admission.estimate();
      logAdmissionRefusal(request, estimate + " unfinished transfers, at the limit of " + admission.limit());
      busy(replyTo, job, "producer " + config.name() + " has " + estimate
          + " unfinished transfers, at its limit of " + admission.limit() + "; retry transfer "
          + request.transferId() + " later with the same transfer id");
      return;
    }
    if (!submits.offer(job, config.tuning().enqueueWait())) {
      admission.settled(1, 0);
      busy(replyTo, job, "producer " + config.name() + " is overloaded; retry later with the same transfer id");
    }
  }

  private void busy(ReplyTo replyTo, Traced<SubmitJob> job, String message) {
    counters.increment("refused_total.api.BUSY");
    telemetry.refusedQuietly("api", Code.BUSY, job);
    replyTo.send(ApiReply.refused(new Refusal(Code.BUSY, message)));
  }

  private void logAdmissionRefusal(SubmitRequest request, String why) {
    long now = System.currentTimeMillis();
    long last = admissionLoggedAtMillis.get();
    if (now - last >= ADMISSION_LOG_INTERVAL_MILLIS && admissionLoggedAtMillis.compareAndSet(last, now)) {
      log.warn("{}: {}: submits are answered BUSY until that changes, e.g. transfer {} (logged at most every {} ms)",
          config.name(), why, request.transferId(), ADMISSION_LOG_INTERVAL_MILLIS);
    }
  }

  /** A batch of admitted submits: whatever happens to it, each one is settled with the admission once. */
  private void submitBatch(List<Traced<SubmitJob>> batch) {
    AtomicInteger accepted = new AtomicInteger();
    try {
      telemetry.inBatch(batch, jobs -> decideSubmits(jobs, accepted));
    } finally {
      // a batch that failed before its commit accepted nothing; one that failed after it (publishing)
      // is counted short until the next refresh reads the database
      admission.settled(batch.size(), accepted.get());
    }
  }

  private void decideSubmits(List<SubmitJob> jobs, AtomicInteger accepted) {
    List<SubmitRequest> requests = new ArrayList<>(jobs.size());
    jobs.forEach(job -> requests.add(job.request()));
    List<SubmitDecision> decisions = node.submit(requests);
    accepted.set((int) decisions.stream().filter(SubmitDecision.Accepted.class::isInstance).count());
    for (int i = 0; i < jobs.size(); i++) {
      jobs.get(i).replyTo().send(toReply(decisions.get(i)));
    }
  }

  private void responseBatch(List<Response> batch) {
    List<ResponseDecision> decisions = node.onResponses(batch);
    long now = System.currentTimeMillis();
    int finished = 0;
    for (ResponseDecision decision : decisions) {
      if (decision instanceof ResponseDecision.Applied applied) {
        finished++;
        ProducerTransfer transfer = applied.transfer();
        if (transfer.attempts() == 1) { // Karn's rule: a re-sent transfer's latency is the re-send delay's
          latencyGate.observed(transfer.finishedAtMillis() - transfer.createdAtMillis(), now);
        }
      }
    }
    admission.finished(finished);
  }

  /** Replaces the admission's estimate by the database's count; a failed count keeps the last estimate. */
  private void refreshAdmission() {
    Admission.Refresh refresh = admission.refreshing();
    long count;
    try {
      count = store.unfinishedCount();
    } catch (RuntimeException e) {
      if (!admissionCountFailing) {
        admissionCountFailing = true;
        log.warn("{}: cannot count unfinished transfers, admitting on the last estimate ({}) until it can: {}",
            config.name(), admission.estimate(), e.toString());
      }
      return;
    }
    admission.refreshed(refresh, count);
    if (admissionCountFailing) {
      admissionCountFailing = false;
      log.info("{}: counting unfinished transfers again: {}", config.name(), count);
    }
  }

  private void submitBatchFailed(List<SubmitJob> jobs, RuntimeException e) {
    log.warn("{}: {} submits not stored: {}", config.name(), jobs.size(), e.toString());
    ApiReply reply = unavailable(e);
    jobs.forEach(job -> job.replyTo().send(reply));
  }

  private ApiReply unavailable(RuntimeException e) {
    return ApiReply.refused(new Refusal(Code.UNAVAILABLE,
        "producer " + config.name() + " cannot reach its database (" + e.getMessage() + "); retry with the same id"));
  }

  static ApiReply toReply(SubmitDecision decision) {
    return switch (decision) {
      case SubmitDecision.Accepted accepted -> new ApiReply(Result.ACCEPTED, accepted.transfer(), null);
      case SubmitDecision.RejectedAtOnce rejected -> new ApiReply(Result.ACCEPTED, rejected.transfer(), null);
      case SubmitDecision.Existing existing -> new ApiReply(Result.DUPLICATE, existing.transfer(), null);
      case SubmitDecision.Refused refused -> ApiReply.refused(refused.refusal());
    };
  }

  private void statusBatch(List<StatusJob> jobs) {
    for (StatusJob job : jobs) {
      ApiReply reply = node.status(job.transferId())
          .map(transfer -> new ApiReply(Result.FOUND, transfer, null))
          .orElseGet(() -> new ApiReply(Result.NOT_FOUND, null, null));
      reply(job.replyTo(), reply);
    }
  }

  private void reply(String replyTo, ApiReply reply) {
    publishReply(replyTo, ApiCodec.encodeReply(reply));
  }

  /** A request sent without a reply subject gets no answer. */
  private void publishReply(String replyTo, byte[] body) {
    if (replyTo != null) {
      transport.publish(replyTo, Map.of(), body);
    }
  }

  public String name() {
    return config.name();
  }

  public Counters counters() {
    return counters;
  }

  /** Ready when NATS is connected, every subscription is active and the database answers. */
  public boolean isReady() {
    return HealthServer.allPass(healthChecks());
  }

  /** The checks behind readiness, run in the background by the {@link HealthServer}. */
  public List<HealthServer.Check> healthChecks() {
    return ReadinessChecks.of(transport, subscriptions, dataSource);
  }

  /** Stops taking messages, finishes the batches in hand, then closes NATS and the database. */
  @Override
  public void close() {
    subscriptions.forEach(Transport.Subscription::close);
    submits.close(CLOSE_TIMEOUT);
    statuses.close(CLOSE_TIMEOUT);
    responses.close(CLOSE_TIMEOUT);
    resender.close();
    admissionRefresh.close();
    telemetry.close();
    transport.close();
    dataSource.close();
    if (ownTelemetry != null) {
      ownTelemetry.close();
    }
    log.info("producer {} stopped: {}", config.name(), counters.snapshot());
  }
}

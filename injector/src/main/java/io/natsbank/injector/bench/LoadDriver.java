package io.natsbank.injector.bench;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.injector.PlannedTransfer;
import io.natsbank.injector.ProducerApi;
import io.natsbank.injector.ReplyRecord;
import io.natsbank.injector.SubmissionLog;
import io.natsbank.injector.TransferPlanner;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives load at the producers and follows every transfer to its final outcome at the producer.
 * Pacing is the {@link Pacer}'s: a closed loop keeps a fixed number of transfers unfinished, an open
 * loop sends on a fixed schedule whatever happens. A transfer is planned and recorded in the
 * {@link SubmissionLog} before it is sent (so the audit can check it), sent again with the same id
 * when unanswered or answered BUSY (every send, first or again, waits for the {@link SendGate}: a
 * bounded number of submits outstanding, and a pause after BUSY), and finished when it is both
 * acknowledged and final (its CONFIRM seen by the {@link Wiretap}; a transfer whose CONFIRM the
 * wiretap missed is asked about after {@link Settings#stragglerAfter()}). Latency runs from the
 * intended send time to the final outcome, so an open loop that falls behind its schedule still
 * counts the wait (no coordinated omission).
 */
final class LoadDriver {
  static final int CHUNK_SIZE = 1_000;
  private static final int CHUNKS_AHEAD = 2;
  private static final long LATENCY_MAX_MICROS = TimeUnit.HOURS.toMicros(1);
  private static final int LATENCY_DIGITS = 3;
  private static final long RETRY_BACKOFF_FIRST_MILLIS = 10;
  private static final long RETRY_BACKOFF_MAX_MILLIS = 1_000;
  private static final int STRAGGLER_POLLS_PER_ROUND_MAX = 1_000;

  /** When to send the next transfer. */
  interface Pacer {
    /** Waits until the next transfer may go and returns when it was meant to go ({@link System#nanoTime()}). */
    long next() throws InterruptedException;

    /** A transfer sent under this pacer is done with (final, refused or given up). */
    void done();

    /** The transfer last paced will not be sent after all. */
    default void cancelled() {
      done();
    }
  }

  /**
   * {@code submitsOutstandingMax}: transfers awaiting their reply at once at most ({@link SendGate});
   * {@code submitBatchMax}: transfers per request at most (1: a {@code SUBMIT} each, else those ready
   * at once go in one {@code SUBMIT_BATCH} per producer).
   */
  record Settings(Duration warmup, Duration duration, Duration drainMax, Duration requestTimeout, int attemptsMax,
      Duration stragglerAfter, int submitsOutstandingMax, int submitBatchMax) {
    Settings {
      if (duration.isNegative() || duration.isZero() || warmup.isNegative() || drainMax.isNegative()) {
        throw new IllegalArgumentException("duration must be positive, warm-up and drain not negative");
      }
      if (attemptsMax < 1 || submitsOutstandingMax < 1) {
        throw new IllegalArgumentException("attempts and outstanding submits must be at least 1");
      }
      if (submitBatchMax < 1 || submitBatchMax > ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX) {
        throw new IllegalArgumentException("transfers per submit request must be 1 to "
            + ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX + ", got " + submitBatchMax);
      }
    }

    int secondsMax() {
      return (int) (warmup.toSeconds() + duration.toSeconds() + drainMax.toSeconds() + 5);
    }
  }

  /** What the driver saw. {@code windowLatencies} holds the transfers meant to be sent inside the window. */
  record Outcome(long submitted, long acknowledged, long refused, long failed, long busyRetries, long timeoutRetries,
      long finalByConfirm, long finalByReply, long finalByPoll, long unfinished, Histogram windowLatencies,
      long[] acknowledgedPerSecond, long[] finalsPerSecond, List<PhaseResult.SecondLatency> latencyPerSecond,
      double sentSeconds, String lastProblem) {}

  private final ProducerApi api;
  private final SubmissionLog log;
  private final TransferPlanner planner;
  private final Settings settings;
  private final long startNanos;
  private final long windowStartNanos;
  private final long windowEndNanos;
  private final Map<UUID, InFlight> inFlight = new ConcurrentHashMap<>();
  /** Transfers to send, first and again, oldest intended time first; all of them are in {@link #inFlight}. */
  private final PriorityBlockingQueue<InFlight> ready =
      new PriorityBlockingQueue<>(CHUNK_SIZE, Comparator.comparingLong((InFlight transfer) -> transfer.intendedNanos));
  private final SendGate gate;
  private final PerSecond acknowledgedPerSecond;
  private final PerSecond finalsPerSecond;
  private final Recorder allLatencies = new Recorder(LATENCY_MAX_MICROS, LATENCY_DIGITS);
  private final Recorder windowLatencies = new Recorder(LATENCY_MAX_MICROS, LATENCY_DIGITS);
  private final List<PhaseResult.SecondLatency> latencyPerSecond = new ArrayList<>();
  private final AtomicReference<String> lastProblem = new AtomicReference<>();
  private final LongAdder submitted = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder busyRetries = new LongAdder();
  private final LongAdder timeoutRetries = new LongAdder();
  private final LongAdder finalByConfirm = new LongAdder();
  private final LongAdder finalByReply = new LongAdder();
  private final LongAdder finalByPoll = new LongAdder();
  private volatile Pacer pacer;

  LoadDriver(ProducerApi api, SubmissionLog log, TransferPlanner planner, Settings settings, long startNanos) {
    this.api = api;
    this.log = log;
    this.planner = planner;
    this.settings = settings;
    this.startNanos = startNanos;
    this.windowStartNanos = startNanos + settings.warmup().toNanos();
    this.windowEndNanos = windowStartNanos + settings.duration().toNanos();
    this.gate = new SendGate(settings.submitsOutstandingMax(), System::nanoTime);
    this.acknowledgedPerSecond = new PerSecond(startNanos, settings.secondsMax());
    this.finalsPerSecond = new PerSecond(startNanos, settings.secondsMax());
  }

  long windowStartNanos() {
    return windowStartNanos;
  }

  long windowEndNanos() {
    return windowEndNanos;
  }

  int unfinished() {
    return inFlight.size();
  }

  /** The wiretap saw the CONFIRM of {@code id}: the transfer is final at its producer. */
  void onConfirmSeen(UUID id, long nanos) {
    InFlight transfer = inFlight.get(id);
    if (transfer != null && transfer.finalAt(nanos)) {
      finalByConfirm.increment();
      complete(transfer);
    }
  }

  /** Sends until the window ends, then waits (bounded) for the transfers still unfinished. */
  Outcome run(Pacer pacer) throws InterruptedException {
    this.pacer = pacer;
    BlockingQueue<List<PlannedTransfer>> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
    Thread planning = Thread.ofPlatform().name("bench-planning").daemon().start(() -> plan(chunks));
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, runnable -> {
      Thread thread = new Thread(runnable, "bench-timers");
      thread.setDaemon(true);
      return thread;
    });
    double sentSeconds;
    Thread sender = null;
    try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor()) {
      timers.scheduleAtFixedRate(this::sampleLatencies, 1, 1, TimeUnit.SECONDS);
      timers.scheduleAtFixedRate(() -> pollStragglers(handlers), 1, 1, TimeUnit.SECONDS);
      sender = Thread.ofPlatform().name("bench-sender").daemon().start(() -> sendReady(timers));
      sendUntilWindowEnds(chunks);
      sentSeconds = (System.nanoTime() - startNanos) / 1e9;
      planning.interrupt();
      awaitDrained();
      timers.shutdownNow();
      sampleLatencies();
    } finally {
      planning.interrupt();
      timers.shutdownNow();
      if (sender != null) {
        sender.interrupt();
      }
    }
    log.flush();
    return new Outcome(submitted.sum(), acknowledged.sum(), refused.sum(), failed.sum(), busyRetries.sum(),
        timeoutRetries.sum(), finalByConfirm.sum(), finalByReply.sum(), finalByPoll.sum(), inFlight.size(),
        windowLatencies.getIntervalHistogram(), acknowledgedPerSecond.firstSeconds(settings.secondsMax()),
        finalsPerSecond.firstSeconds(settings.secondsMax()), List.copyOf(latencyPerSecond), sentSeconds,
        lastProblem.get());
  }

  private void sendUntilWindowEnds(BlockingQueue<List<PlannedTransfer>> chunks) throws InterruptedException {
    Iterator<PlannedTransfer> chunk = List.<PlannedTransfer>of().iterator();
    while (true) {
      long intendedNanos = pacer.next();
      if (intendedNanos >= windowEndNanos || System.nanoTime() >= windowEndNanos) {
        pacer.cancelled();
        return;
      }
      if (!chunk.hasNext()) {
        chunk = chunks.take().iterator();
      }
      PlannedTransfer planned = chunk.next();
      InFlight transfer = new InFlight(planned, intendedNanos,
          intendedNanos >= windowStartNanos && intendedNanos < windowEndNanos);
      inFlight.put(planned.request().transferId(), transfer);
      submitted.increment();
      ready.add(transfer);
    }
  }

  /**
   * Sends what is ready, oldest first, as fast as the {@link SendGate} lets it: with batches, everything
   * ready at once that the gate has room for (up to the batch maximum), no waiting for more.
   */
  private void sendReady(ScheduledExecutorService timers) {
    try {
      while (true) {
        InFlight first = ready.take();
        gate.acquire();
        if (settings.submitBatchMax() == 1) {
          send(first, timers);
          continue;
        }
        List<InFlight> batch = new ArrayList<>();
        batch.add(first);
        InFlight next;
        while (batch.size() < settings.submitBatchMax() && (next = ready.poll()) != null) {
          if (!gate.tryAcquire()) {
            ready.add(next);
            break;
          }
          batch.add(next);
        }
        sendBatches(batch, timers);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One {@code SUBMIT_BATCH} per producer named in {@code batch}; each transfer holds a place of the gate. */
  private void sendBatches(List<InFlight> batch, ScheduledExecutorService timers) {
    Map<String, List<InFlight>> byProducer = new LinkedHashMap<>();
    for (InFlight transfer : batch) {
      byProducer.computeIfAbsent(transfer.transfer.producer(), producer -> new ArrayList<>()).add(transfer);
    }
    byProducer.forEach((producer, transfers) -> {
      List<SubmitRequest> requests = new ArrayList<>(transfers.size());
      transfers.forEach(transfer -> requests.add(transfer.transfer.request()));
      // brief replies: the state is all the driver reads, and reading full ones took a third of its CPU
      api.submitBatch(producer, requests, ApiCodec.ReplyForm.BRIEF, settings.requestTimeout())
          .whenComplete((replies, error) -> {
            for (int i = 0; i < transfers.size(); i++) {
              answered(transfers.get(i), replies == null ? null : replies.get(i), error, timers);
            }
          });
    });
  }

  /** Plans and records chunks ahead of the sender; each chunk is durable in the log before it is handed over. */
  private void plan(BlockingQueue<List<PlannedTransfer>> chunks) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        List<PlannedTransfer> chunk = new ArrayList<>(CHUNK_SIZE);
        for (int i = 0; i < CHUNK_SIZE; i++) {
          chunk.add(planner.next());
        }
        log.recordSubmitted(chunk);
        chunks.put(chunk);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      lastProblem.set("planning failed: " + e);
    }
  }

  /** Submits {@code transfer}; the caller holds one of the gate's places, which the answer frees. */
  private void send(InFlight transfer, ScheduledExecutorService timers) {
    PlannedTransfer planned = transfer.transfer;
    // handled on the thread that completes the request: every step is short and never waits for long
    api.submit(planned.producer(), planned.request(), settings.requestTimeout())
        .whenComplete((reply, error) -> answered(transfer, reply, error, timers));
  }

  /** The answer for one transfer (or {@code error} when none came): its place in the gate is free. */
  private void answered(InFlight transfer, ApiReply reply, Throwable error, ScheduledExecutorService timers) {
    gate.release();
    try {
      onReply(transfer, reply, error, timers);
    } catch (RuntimeException e) {
      problem(transfer, "handling the reply failed: " + e);
      giveUp(transfer, failed);
    }
  }

  private void onReply(InFlight transfer, ApiReply reply, Throwable error, ScheduledExecutorService timers) {
    if (error != null) {
      timeoutRetries.increment();
      retry(transfer, "no reply: " + error, timers);
      return;
    }
    UUID id = transfer.transfer.request().transferId();
    switch (reply.result()) {
      case ACCEPTED, DUPLICATE -> {
        gate.accepted();
        TransferStatus state = reply.state(); // all the driver reads, and all a brief reply carries
        log.recordReply(new ReplyRecord(id, reply.result(), state, null, transfer.attempt));
        long now = System.nanoTime();
        acknowledged.increment();
        acknowledgedPerSecond.add(now, 1);
        if (state != null && state.isFinal() && transfer.finalAt(now)) {
          finalByReply.increment();
          complete(transfer);
        }
        if (transfer.acknowledge(now)) {
          complete(transfer);
        }
      }
      case REFUSED -> {
        Refusal refusal = reply.error();
        if (refusal.code() == Refusal.Code.BUSY || refusal.code() == Refusal.Code.UNAVAILABLE) {
          busyRetries.increment();
          gate.refused();
          retryAfterPause(transfer, refusal.code() + ": " + refusal.message());
        } else {
          log.recordReply(new ReplyRecord(id, Result.REFUSED, null, refusal.code(), transfer.attempt));
          problem(transfer, "refused: " + refusal.code() + ": " + refusal.message());
          giveUp(transfer, refused);
        }
      }
      case FOUND, NOT_FOUND -> retry(transfer, "unexpected " + reply.result() + " to a submit", timers);
    }
  }

  /** No answer, or a wrong one: sent again after a backoff of its own. */
  private void retry(InFlight transfer, String why, ScheduledExecutorService timers) {
    if (countAttempt(transfer, why)) {
      int attempt = transfer.attempt - 1;
      long backoff = Math.min(RETRY_BACKOFF_MAX_MILLIS, RETRY_BACKOFF_FIRST_MILLIS << Math.min(attempt - 1, 16));
      long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      timers.schedule(() -> ready.add(transfer), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** BUSY: ready again at once, and the gate holds every send back for the pause it has just begun. */
  private void retryAfterPause(InFlight transfer, String why) {
    if (countAttempt(transfer, why)) {
      ready.add(transfer);
    }
  }

  /** Counts one more attempt; false (and the transfer given up) when it had its last one. */
  private boolean countAttempt(InFlight transfer, String why) {
    if (transfer.attempt >= settings.attemptsMax()) {
      problem(transfer, "after " + transfer.attempt + " attempts: " + why);
      giveUp(transfer, failed);
      return false;
    }
    transfer.attempt++;
    return true;
  }

  private void problem(InFlight transfer, String what) {
    lastProblem.set(transfer.transfer.request().transferId() + " " + what);
  }

  private void giveUp(InFlight transfer, LongAdder counter) {
    if (transfer.abandon()) {
      counter.increment();
      inFlight.remove(transfer.transfer.request().transferId());
      pacer.done();
    }
  }

  private void complete(InFlight transfer) {
    inFlight.remove(transfer.transfer.request().transferId());
    long finalNanos = transfer.finalNanos();
    finalsPerSecond.add(finalNanos, 1);
    long micros = Math.min(LATENCY_MAX_MICROS, Math.max(0, (finalNanos - transfer.intendedNanos) / 1_000));
    allLatencies.recordValue(micros);
    if (transfer.inWindow) {
      windowLatencies.recordValue(micros);
    }
    pacer.done();
  }

  /** Acknowledged long ago and still not final: the wiretap may have missed its CONFIRM, so ask the producer. */
  private void pollStragglers(ExecutorService handlers) {
    long now = System.nanoTime();
    int polled = 0;
    for (InFlight transfer : inFlight.values()) {
      if (polled >= STRAGGLER_POLLS_PER_ROUND_MAX) {
        return;
      }
      if (transfer.acknowledged() && !transfer.finalKnown()
          && now - transfer.acknowledgedNanos > settings.stragglerAfter().toNanos()) {
        polled++;
        PlannedTransfer planned = transfer.transfer;
        api.status(planned.producer(), planned.request().transferId(), settings.requestTimeout())
            .whenCompleteAsync((reply, error) -> {
              if (reply != null && reply.result() == Result.FOUND && reply.state() != null
                  && reply.state().isFinal() && transfer.finalAt(System.nanoTime())) {
                finalByPoll.increment();
                complete(transfer);
              }
            }, handlers);
      }
    }
  }

  private synchronized void sampleLatencies() {
    Histogram interval = allLatencies.getIntervalHistogram();
    int second = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
    if (interval.getTotalCount() > 0) {
      latencyPerSecond.add(new PhaseResult.SecondLatency(second, interval.getTotalCount(),
          interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
          interval.getMaxValue() / 1000.0));
    }
  }

  private void awaitDrained() throws InterruptedException {
    long deadline = System.nanoTime() + settings.drainMax().toNanos();
    while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }
}

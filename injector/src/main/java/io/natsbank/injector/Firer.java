package io.natsbank.injector;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.TransferStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Submits planned transfers to the producers and keeps the books: every transfer is recorded in the
 * {@link SubmissionLog} before it is sent; replies are recorded as they come. Unanswered or BUSY
 * requests are sent again, same id and content, until {@link FireSettings#attemptsMax()}.
 */
public final class Firer {
  /** Transfers planned and recorded per database round trip, ahead of sending them. */
  static final int CHUNK_SIZE_MAX = 1_000;
  private static final long POLL_ROUND_PAUSE_MILLIS_MAX = 1_000;

  private final ProducerApi api;
  private final SubmissionLog log;
  private final FireSettings settings;
  private final Semaphore permits;
  private final FireCounters counters = new FireCounters();
  /** Accepted transfers not final in their last reply, with their producer. */
  private final Map<UUID, String> pending = new ConcurrentHashMap<>();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  public Firer(ProducerApi api, SubmissionLog log, FireSettings settings) {
    this.api = api;
    this.log = log;
    this.settings = settings;
    this.permits = new Semaphore(settings.concurrency());
  }

  /** Live counts, for a progress display. */
  public FireCounters counters() {
    return counters;
  }

  public int inFlight() {
    return settings.concurrency() - permits.availablePermits();
  }

  /** Fires {@code transfers} transfers drawn from {@code planner}, waits for every answer, returns the tally. */
  public FireResult fire(long transfers, TransferPlanner planner) throws InterruptedException {
    long startNanos = System.nanoTime();
    try (ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(Firer::daemon);
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor()) {
      Sender sender = new Sender(retries, handlers);
      long planned = 0;
      CompletableFuture<List<PlannedTransfer>> next = planAndRecord(planner, Math.min(CHUNK_SIZE_MAX, transfers));
      while (planned < transfers) {
        List<PlannedTransfer> chunk = await(next);
        planned += chunk.size();
        next = planAndRecord(planner, Math.min(CHUNK_SIZE_MAX, transfers - planned));
        for (PlannedTransfer transfer : chunk) {
          permits.acquire();
          counters.submitted.increment();
          sender.submit(transfer, 1);
        }
      }
      awaitAllAnswered();
      double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
      log.flush();
      pollPending(sender);
      log.flush();
      return new FireResult(counters.submitted.sum(), counters.accepted.sum(), counters.refused.sum(),
          counters.failed.sum(), counters.ok.sum(), counters.rejected.sum(), pending.size(), counters.retries.sum(),
          elapsedSeconds, lastFailure.get());
    }
  }

  private CompletableFuture<List<PlannedTransfer>> planAndRecord(TransferPlanner planner, long count) {
    List<PlannedTransfer> chunk = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      chunk.add(planner.next());
    }
    if (chunk.isEmpty()) {
      return CompletableFuture.completedFuture(chunk);
    }
    // recorded while the previous chunk is being sent; durable before any of it is sent
    return CompletableFuture.supplyAsync(() -> {
      log.recordSubmitted(chunk);
      return chunk;
    });
  }

  private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void awaitAllAnswered() throws InterruptedException {
    permits.acquire(settings.concurrency());
    permits.release(settings.concurrency());
  }

  /** Asks the producers about transfers still pending, in rounds, until all are final or the time is up. */
  private void pollPending(Sender sender) throws InterruptedException {
    long deadlineNanos = System.nanoTime() + settings.waitForFinal().toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadlineNanos) {
      for (Map.Entry<UUID, String> entry : List.copyOf(pending.entrySet())) {
        permits.acquire();
        sender.poll(entry.getKey(), entry.getValue());
      }
      awaitAllAnswered();
      long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (!pending.isEmpty() && remainingMillis > 0) {
        Thread.sleep(Math.min(POLL_ROUND_PAUSE_MILLIS_MAX, remainingMillis));
      }
    }
  }

  /** Sends requests and handles their replies; every path ends by releasing the transfer's permit once. */
  private final class Sender {
    private final ScheduledExecutorService retries;
    private final ExecutorService handlers;

    Sender(ScheduledExecutorService retries, ExecutorService handlers) {
      this.retries = retries;
      this.handlers = handlers;
    }

    void submit(PlannedTransfer transfer, int attempt) {
      api.submit(transfer.producer(), transfer.request(), settings.requestTimeout())
          .whenCompleteAsync((reply, error) -> guarded(transfer.request().transferId(),
              () -> onSubmitReply(transfer, attempt, reply, error)), handlers);
    }

    void poll(UUID id, String producer) {
      api.status(producer, id, settings.requestTimeout())
          .whenCompleteAsync((reply, error) -> guarded(id, () -> onStatusReply(id, reply)), handlers);
    }

    private void guarded(UUID id, Runnable handler) {
      try {
        handler.run();
      } catch (RuntimeException e) {
        // the log could not take the reply, or a bug: count it, never leave the permit held
        counters.failed.increment();
        lastFailure.set(id + ": " + e);
        permits.release();
      }
    }

    private void onSubmitReply(PlannedTransfer transfer, int attempt, ApiReply reply, Throwable error) {
      if (error != null) {
        counters.unanswered.increment();
        retryOrFail(transfer, attempt, describe(error));
        return;
      }
      switch (reply.result()) {
        case ACCEPTED, DUPLICATE -> onAcknowledged(transfer, attempt, reply);
        case REFUSED -> onRefused(transfer, attempt, reply.error());
        case FOUND, NOT_FOUND -> retryOrFail(transfer, attempt, "unexpected " + reply.result() + " to a submit");
      }
    }

    private void onAcknowledged(PlannedTransfer transfer, int attempt, ApiReply reply) {
      TransferStatus state = reply.state();
      UUID id = transfer.request().transferId();
      log.recordReply(new ReplyRecord(id, reply.result(), state, null, attempt));
      counters.accepted.increment();
      tally(id, transfer.producer(), state);
      permits.release();
    }

    private void onRefused(PlannedTransfer transfer, int attempt, Refusal refusal) {
      if (refusal.code() == Refusal.Code.BUSY || refusal.code() == Refusal.Code.UNAVAILABLE) {
        counters.busy.increment();
        retryOrFail(transfer, attempt, refusal.code() + ": " + refusal.message());
        return;
      }
      log.recordReply(new ReplyRecord(transfer.request().transferId(), Result.REFUSED, null, refusal.code(), attempt));
      counters.refused.increment();
      lastFailure.compareAndSet(null, transfer.request().transferId() + " refused: " + refusal.code() + ": "
          + refusal.message());
      permits.release();
    }

    private void retryOrFail(PlannedTransfer transfer, int attempt, String why) {
      if (attempt >= settings.attemptsMax()) {
        counters.failed.increment();
        lastFailure.set(transfer.request().transferId() + " after " + attempt + " attempts: " + why);
        permits.release();
        return;
      }
      counters.retries.increment();
      long delay = settings.backoffMillis(attempt, ThreadLocalRandom.current().nextDouble());
      retries.schedule(() -> submit(transfer, attempt + 1), delay, TimeUnit.MILLISECONDS);
    }

    private void onStatusReply(UUID id, ApiReply reply) {
      if (reply != null && reply.result() == Result.FOUND && reply.state() != null) {
        TransferStatus state = reply.state();
        if (state.isFinal()) {
          log.recordReply(new ReplyRecord(id, Result.FOUND, state, null, 0));
          String producer = pending.remove(id);
          if (producer != null) {
            tally(id, producer, state);
          }
        }
      }
      permits.release(); // unanswered or still pending: asked again in the next round
    }
  }

  private void tally(UUID id, String producer, TransferStatus state) {
    if (state == TransferStatus.OK) {
      counters.ok.increment();
    } else if (state == TransferStatus.REJECTED) {
      counters.rejected.increment();
    } else {
      pending.put(id, producer);
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "fire-retries");
    thread.setDaemon(true);
    return thread;
  }

  /** Running totals; read at any time. */
  public static final class FireCounters {
    final LongAdder submitted = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder unanswered = new LongAdder();
    final LongAdder busy = new LongAdder();

    /** Transfers with a last word: acknowledged, refused, or given up. */
    public long done() {
      return accepted.sum() + refused.sum() + failed.sum();
    }

    public long accepted() {
      return accepted.sum();
    }

    public long retries() {
      return retries.sum();
    }

    public long unanswered() {
      return unanswered.sum();
    }

    public long busy() {
      return busy.sum();
    }
  }
}

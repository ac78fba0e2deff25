package io.natsbank.injector.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * How the bench's client paces itself by the producers' answers, as a well-behaved client does: at
 * most {@code submitsMax} submits await their reply at once, and after a BUSY nothing is sent for a
 * pause, which doubles while the answers to what is sent after it are still BUSY (from
 * {@link #PAUSE_FIRST_NANOS} up to {@link #PAUSE_MAX_NANOS}) and is forgotten at the first
 * acceptance. A burst of BUSY answers to requests already on their way doubles it once, not once per
 * answer.
 *
 * <p>Before it, every refused transfer was retried on its own timer: an open loop that fell behind
 * kept up to its 100,000 unfinished transfers retrying at once, 7.1 million BUSY answers in one 60 s
 * run, and the producer spent its CPU refusing submits instead of finishing transfers, so it never
 * caught up (5,416 transfers/s offered, 3,723 done, p50 22 s).
 */
final class SendGate {
  static final long PAUSE_FIRST_NANOS = 10_000_000;
  static final long PAUSE_MAX_NANOS = 500_000_000;

  private final Semaphore submits;
  private final LongSupplier clockNanos;
  private final AtomicLong pausedUntilNanos;
  /** The length of the last pause; 0 once a submit was accepted after it. */
  private final AtomicLong pauseNanos = new AtomicLong();

  SendGate(int submitsMax, LongSupplier clockNanos) {
    if (submitsMax < 1) {
      throw new IllegalArgumentException("outstanding submits max must be at least 1, got " + submitsMax);
    }
    this.submits = new Semaphore(submitsMax);
    this.clockNanos = clockNanos;
    this.pausedUntilNanos = new AtomicLong(clockNanos.getAsLong());
  }

  /** Waits until no pause is on and fewer than the maximum submits are outstanding; then one more is. */
  void acquire() throws InterruptedException {
    long wait;
    while ((wait = pausedUntilNanos.get() - clockNanos.getAsLong()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting out a pause after BUSY");
      }
    }
    submits.acquire();
  }

  /** One more place without waiting, for a transfer joining a batch: false when paused or full. */
  boolean tryAcquire() {
    return !pausedAt(clockNanos.getAsLong()) && submits.tryAcquire();
  }

  /** A submit got its answer (or none in time): its place is free. */
  void release() {
    submits.release();
  }

  /** A producer answered BUSY: pause, longer than last time if this answers what was sent after that pause. */
  void refused() {
    long now = clockNanos.getAsLong();
    long until = pausedUntilNanos.get();
    if (now < until) {
      return; // an answer to a request sent before the pause began: that pause already covers it
    }
    long pause = Math.min(PAUSE_MAX_NANOS, Math.max(PAUSE_FIRST_NANOS, pauseNanos.get() * 2));
    if (pausedUntilNanos.compareAndSet(until, now + pause)) {
      pauseNanos.set(pause);
    }
  }

  /** A producer accepted a submit: the next BUSY starts from the first pause again. */
  void accepted() {
    pauseNanos.set(0);
  }

  /** Whether a pause is on at {@code nanos}. */
  boolean pausedAt(long nanos) {
    return nanos < pausedUntilNanos.get();
  }

  /** The length of the current or last pause, 0 when none since the last acceptance. */
  long pauseNanos() {
    return pauseNanos.get();
  }

  int submitsAvailable() {
    return submits.availablePermits();
  }
}

package io.natsbank.injector.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** The two ways the bench paces transfers. */
final class Pacers {
  private Pacers() {}

  /**
   * Closed loop: at most {@code inFlight} transfers unfinished (sent and not yet final at the
   * producer); a new one goes as soon as one finishes. The system sets the pace: this finds its
   * saturated throughput without letting queues grow beyond {@code inFlight}.
   */
  static LoadDriver.Pacer closed(int inFlight) {
    if (inFlight < 1) {
      throw new IllegalArgumentException("in-flight must be at least 1, got " + inFlight);
    }
    Semaphore permits = new Semaphore(inFlight);
    return new LoadDriver.Pacer() {
      @Override
      public long next() throws InterruptedException {
        permits.acquire();
        return System.nanoTime();
      }

      @Override
      public void done() {
        permits.release();
      }
    };
  }

  /**
   * Open loop: transfer i is meant to go at {@code start + i / ratePerSecond}, whatever the system
   * does. When the sender falls behind it sends at once, and latency still counts from the intended
   * time. {@code inFlightMax} bounds memory only: reaching it holds the sender back (and shows up in
   * the latencies, as it should).
   */
  static LoadDriver.Pacer open(double ratePerSecond, int inFlightMax, long startNanos) {
    if (!(ratePerSecond > 0) || inFlightMax < 1) {
      throw new IllegalArgumentException("rate and in-flight max must be positive");
    }
    double periodNanos = 1e9 / ratePerSecond;
    AtomicInteger unfinished = new AtomicInteger();
    return new LoadDriver.Pacer() {
      private long sent;

      @Override
      public long next() {
        long intended = startNanos + (long) (sent++ * periodNanos);
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        while (unfinished.get() >= inFlightMax) {
          LockSupport.parkNanos(1_000_000);
        }
        unfinished.incrementAndGet();
        return intended;
      }

      @Override
      public void done() {
        unfinished.decrementAndGet();
      }
    };
  }
}

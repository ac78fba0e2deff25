package io.natsbank.injector.bench;

import static java.lang.Math.ceilDiv;

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
   *
   * <p>With a {@code tickNanos} above zero the sender wakes once per tick and sends every transfer
   * whose time has come: transfer i goes at the first tick at or after its intended time, and its
   * latency still counts from the intended time, the wait for the tick included (half a tick on
   * average). Zero sends each one at its own time, one wake-up of the sender per transfer.
   */
  static LoadDriver.Pacer open(double ratePerSecond, int inFlightMax, long startNanos, long tickNanos) {
    if (!(ratePerSecond > 0) || inFlightMax < 1) {
      throw new IllegalArgumentException("rate and in-flight max must be positive");
    }
    if (tickNanos < 0) {
      throw new IllegalArgumentException("the send tick must not be negative, got " + tickNanos + " ns");
    }
    double periodNanos = 1e9 / ratePerSecond;
    AtomicInteger unfinished = new AtomicInteger();
    return new LoadDriver.Pacer() {
      private long sent;

      @Override
      public long next() {
        long intended = startNanos + (long) (sent++ * periodNanos);
        long release = tickNanos == 0 ? intended : startNanos + ceilDiv(intended - startNanos, tickNanos) * tickNanos;
        long wait;
        while ((wait = release - System.nanoTime()) > 0) {
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

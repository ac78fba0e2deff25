package io.natsbank.injector.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events by whole second since a start instant, for at most {@code secondsMax} seconds
 * (events later than that land in the last slot): a fixed amount of memory whatever the load.
 */
final class PerSecond {
  private final long startNanos;
  private final AtomicLongArray counts;

  PerSecond(long startNanos, int secondsMax) {
    if (secondsMax < 1) {
      throw new IllegalArgumentException("secondsMax must be positive, got " + secondsMax);
    }
    this.startNanos = startNanos;
    this.counts = new AtomicLongArray(secondsMax);
  }

  void add(long nanos, long amount) {
    long second = Math.max(0, (nanos - startNanos) / 1_000_000_000L);
    counts.addAndGet((int) Math.min(second, counts.length() - 1), amount);
  }

  /** The counts of seconds [0, seconds), fewer if the array is shorter. */
  long[] firstSeconds(int seconds) {
    long[] values = new long[Math.min(seconds, counts.length())];
    for (int i = 0; i < values.length; i++) {
      values[i] = counts.get(i);
    }
    return values;
  }
}

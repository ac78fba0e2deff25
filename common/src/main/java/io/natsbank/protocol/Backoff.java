package io.natsbank.protocol;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for re-sends: attempt n waits about initial * 2^(n-1), capped at
 * max, multiplied by a random factor in [0.5, 1.0) so that instances do not re-send in lock step.
 */
public record Backoff(long initialMillis, long maxMillis) {
  public Backoff {
    if (initialMillis < 1 || maxMillis < initialMillis) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= initialMillis <= maxMillis, got " + initialMillis + " and " + maxMillis);
    }
  }

  /** The delay before the re-send that follows the given attempt (attempt 1 = first send). */
  public long delayMillis(int attempt, RandomGenerator random) {
    int exponent = Math.min(Math.max(attempt, 1) - 1, 30);
    long base = initialMillis > (maxMillis >> exponent) ? maxMillis : initialMillis << exponent;
    long jittered = base / 2 + (long) (random.nextDouble() * (base - base / 2));
    return Math.max(1, jittered);
  }
}

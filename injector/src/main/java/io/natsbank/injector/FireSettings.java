package io.natsbank.injector;

import java.time.Duration;
import java.util.Objects;

/**
 * How fire submits: at most {@code concurrency} requests in flight; a request unanswered after
 * {@code requestTimeout}, or answered BUSY/UNAVAILABLE, is sent again with the same id and content
 * after an exponential backoff with jitter, at most {@code attemptsMax} times in all.
 * {@code waitForFinal} bounds the status polling of still-pending transfers at the end (zero: none).
 */
public record FireSettings(
    int concurrency,
    Duration requestTimeout,
    int attemptsMax,
    long retryBackoffMillis,
    long retryBackoffMaxMillis,
    Duration waitForFinal) {

  public static final int CONCURRENCY_MAX = 100_000;

  public FireSettings {
    if (concurrency < 1 || concurrency > CONCURRENCY_MAX) {
      throw new IllegalArgumentException("concurrency must be between 1 and " + CONCURRENCY_MAX);
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive");
    }
    if (attemptsMax < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (retryBackoffMillis < 0 || retryBackoffMaxMillis < retryBackoffMillis) {
      throw new IllegalArgumentException("retry backoff must be >= 0 and not above its maximum");
    }
    Objects.requireNonNull(waitForFinal, "waitForFinal");
    if (waitForFinal.isNegative()) {
      throw new IllegalArgumentException("wait for final must not be negative");
    }
  }

  /** The delay before attempt {@code attempt + 1}: doubling from the base, capped, with jitter in [50%, 100%]. */
  public long backoffMillis(int attempt, double jitter) {
    long doubled = retryBackoffMillis << Math.min(attempt - 1, 20);
    long capped = Math.min(retryBackoffMaxMillis, doubled);
    return (long) (capped * (0.5 + 0.5 * jitter));
  }
}

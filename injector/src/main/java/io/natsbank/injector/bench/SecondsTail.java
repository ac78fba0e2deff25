package io.natsbank.injector.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the open loop's tail spreads over its window, second by second: one p99 over the whole window
 * says how slow the slowest transfers were, not whether every second had a few of them or a few
 * seconds had many (a checkpoint, a stall). Only seconds inside the window that saw a final outcome
 * count.
 *
 * @param seconds the seconds of the window that saw at least one transfer become final
 * @param minMillis the lowest of those seconds' p99, 0 when there were none
 * @param medianMillis their median (the mean of the middle two for an even count)
 * @param maxMillis the highest
 * @param overLimit how many seconds had a p99 above {@link #LIMIT_MILLIS}
 */
record SecondsTail(int seconds, double minMillis, double medianMillis, double maxMillis, int overLimit) {
  /** The target for the open loop's p99. */
  static final double LIMIT_MILLIS = 100;

  /** The seconds {@code [warmupSeconds, warmupSeconds + durationSeconds)} of {@code latency}. */
  static SecondsTail of(List<PhaseResult.SecondLatency> latency, int warmupSeconds, int durationSeconds) {
    double[] p99s = latency.stream()
        .filter(second -> second.second() >= warmupSeconds && second.second() < warmupSeconds + durationSeconds
            && second.count() > 0)
        .mapToDouble(PhaseResult.SecondLatency::p99Millis)
        .sorted()
        .toArray();
    int n = p99s.length;
    if (n == 0) {
      return new SecondsTail(0, 0, 0, 0, 0);
    }
    double median = n % 2 == 1 ? p99s[n / 2] : (p99s[n / 2 - 1] + p99s[n / 2]) / 2;
    int over = (int) Arrays.stream(p99s).filter(p99 -> p99 > LIMIT_MILLIS).count();
    return new SecondsTail(n, p99s[0], median, p99s[n - 1], over);
  }

  static SecondsTail of(PhaseResult phase) {
    return of(phase.series().latency(), phase.warmupSeconds(), phase.durationSeconds());
  }

  /** One line for the console, before the run's summary line. */
  String line() {
    return String.format(Locale.ROOT,
        "bench: open_seconds=%d open_second_p99_min_ms=%.1f open_second_p99_median_ms=%.1f "
            + "open_second_p99_max_ms=%.1f open_seconds_over_100ms=%d",
        seconds, minMillis, medianMillis, maxMillis, overLimit);
  }
}

package io.natsbank.runtime;

/**
 * Admission control on time rather than count: closed while transfers recently took too long from
 * submit to final outcome. A bound on the number of unfinished transfers ({@link Admission}) holds
 * a fixed amount of work, which is a different amount of time on a cold JVM, a busy machine or a
 * fast one; once transfers wait longer than the first re-send delay, every one of them is posted
 * again and the system collapses instead of saturating (measured: an open loop started cold at
 * 2,800 transfers/s ran at 1,200-1,450/s with 6.3-6.8 messages per transfer under the count bound
 * alone). This gate keeps the queues shorter than that delay whatever the rate.
 *
 * <p>It is fed the latency of transfers that finished on their first posting (Karn's rule: a
 * transfer that was re-sent says more about lost messages than about queues, and the demo loses a
 * fifth of them on purpose) and is closed while the largest such latency seen in the current or the
 * previous window reaches the limit. When no outcome arrives at all (a consumer down), it opens
 * again after two windows and the count bound is what holds.
 *
 * <p>Pure: no I/O, no threads; the caller passes the time. Safe for any number of threads.
 */
public final class LatencyGate {
  private final long limitMillis;
  private final long windowMillis;
  private long windowStartMillis = Long.MIN_VALUE;
  private long currentMaxMillis;
  private long previousMaxMillis;

  /**
   * @param limitMillis the submit-to-outcome latency at which the gate closes, at least 1
   * @param windowMillis how long one observation counts (it counts for one to two windows), at least 1
   */
  public LatencyGate(long limitMillis, long windowMillis) {
    if (limitMillis < 1 || windowMillis < 1) {
      throw new IllegalArgumentException("latency gate needs a limit and a window of at least 1 ms, got "
          + limitMillis + " and " + windowMillis);
    }
    this.limitMillis = limitMillis;
    this.windowMillis = windowMillis;
  }

  public long limitMillis() {
    return limitMillis;
  }

  /** A transfer finished {@code latencyMillis} after it was submitted, on its first posting. */
  public synchronized void observed(long latencyMillis, long nowMillis) {
    roll(nowMillis);
    currentMaxMillis = Math.max(currentMaxMillis, latencyMillis);
  }

  /** Whether a new submit may be admitted now. */
  public synchronized boolean isOpen(long nowMillis) {
    return recentMaxMillis(nowMillis) < limitMillis;
  }

  /** The largest latency observed in the current or the previous window (0 if none). */
  public synchronized long recentMaxMillis(long nowMillis) {
    roll(nowMillis);
    return Math.max(currentMaxMillis, previousMaxMillis);
  }

  private void roll(long nowMillis) {
    if (windowStartMillis == Long.MIN_VALUE) {
      windowStartMillis = nowMillis;
      return;
    }
    long elapsed = nowMillis - windowStartMillis;
    if (elapsed < windowMillis) {
      return;
    }
    previousMaxMillis = elapsed < 2 * windowMillis ? currentMaxMillis : 0;
    currentMaxMillis = 0;
    windowStartMillis = nowMillis - elapsed % windowMillis;
  }
}

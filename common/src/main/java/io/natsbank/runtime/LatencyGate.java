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
 * fifth of them on purpose) and is closed while at least {@link #SLOW_SHARE_PERCENT} percent of those
 * that finished in the current and the previous window took the limit or longer. Queues longer than
 * the limit hold up every transfer in them, so when they are the cause a large share is slow; a few
 * slow transfers among thousands are one batch that waited (for a checkpoint's writes, say), which
 * the queues have already absorbed. Closing on the single slowest one, as this gate first did, turned
 * each such batch into a quarter to half a second of BUSY answers to everyone, and the wait of their
 * retries into the open loop's p99. When no outcome arrives at all (a consumer down), it opens again
 * after two windows and the count bound is what holds.
 *
 * <p>Pure: no I/O, no threads; the caller passes the time. Safe for any number of threads.
 */
public final class LatencyGate {
  /** The share of recent transfers, in percent, that must have taken the limit or longer to close the gate. */
  public static final int SLOW_SHARE_PERCENT = 10;

  private final long limitMillis;
  private final long windowMillis;
  private long windowStartMillis = Long.MIN_VALUE;
  private final Window current = new Window();
  private final Window previous = new Window();

  /** What finished in one window: how many, how many of them slowly, and the slowest. */
  private static final class Window {
    long finished;
    long slow;
    long maxMillis;

    void clear() {
      finished = 0;
      slow = 0;
      maxMillis = 0;
    }

    void copy(Window other) {
      finished = other.finished;
      slow = other.slow;
      maxMillis = other.maxMillis;
    }
  }

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
    current.finished++;
    if (latencyMillis >= limitMillis) {
      current.slow++;
    }
    current.maxMillis = Math.max(current.maxMillis, latencyMillis);
  }

  /** Whether a new submit may be admitted now. */
  public synchronized boolean isOpen(long nowMillis) {
    roll(nowMillis);
    long slow = current.slow + previous.slow;
    return slow == 0 || slow * 100 < SLOW_SHARE_PERCENT * (current.finished + previous.finished);
  }

  /** The largest latency observed in the current or the previous window (0 if none). */
  public synchronized long recentMaxMillis(long nowMillis) {
    roll(nowMillis);
    return Math.max(current.maxMillis, previous.maxMillis);
  }

  /** The percentage of the transfers that finished in the current and the previous window that took the limit or longer. */
  public synchronized int recentSlowPercent(long nowMillis) {
    roll(nowMillis);
    long finished = current.finished + previous.finished;
    return finished == 0 ? 0 : (int) ((current.slow + previous.slow) * 100 / finished);
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
    if (elapsed < 2 * windowMillis) {
      previous.copy(current);
    } else {
      previous.clear();
    }
    current.clear();
    windowStartMillis = nowMillis - elapsed % windowMillis;
  }
}

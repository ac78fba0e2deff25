package io.natsbank.runtime;

/**
 * Admission control of a producer's submits on the number of its unfinished transfers (stored and
 * sent, not yet final). Without it a producer takes every submit its queue holds, and once transfers
 * take longer than the first re-send delay every one of them is posted again, which brings more work
 * to a system that is already behind: it collapses instead of saturating. With it, a submit arriving
 * while the estimate is at the limit is answered BUSY at once, so the submitters slow down instead.
 *
 * <p>The estimate is the store's count of unfinished transfers, re-read now and then ({@link
 * #refreshing()}, {@link #refreshed}), moved between reads by what this instance accepted and
 * finished, plus the submits admitted and not yet decided (so that a burst cannot pass the limit
 * while its first batch is still being written). Instances of one producer share the database, so
 * each one only sees the others' work at the next read: the bound is approximate by what the other
 * instances do between two reads.
 *
 * <p>Pure: no I/O, no threads, no clock; safe for any number of threads (every method takes the
 * object's monitor for a few arithmetic operations).
 */
public final class Admission {
  private final long limit;
  /** The store's unfinished transfers as last read, moved by this instance's accepted and finished ones. */
  private long unfinished;
  /** Submits admitted and not yet decided. */
  private long reserved;
  /** Every submit this instance accepted (stored unfinished), ever: lets a read tell what it may have missed. */
  private long acceptedTotal;

  /** A read of the store's count in progress: what this instance had accepted when it started. */
  public record Refresh(long acceptedBefore) {}

  /**
   * @param limit unfinished transfers at most, at least 1
   * @param unfinishedAtStart the store's count of unfinished transfers when the producer starts
   */
  public Admission(long limit, long unfinishedAtStart) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit of unfinished transfers must be at least 1, got " + limit);
    }
    if (unfinishedAtStart < 0) {
      throw new IllegalArgumentException("a count of unfinished transfers cannot be negative: " + unfinishedAtStart);
    }
    this.limit = limit;
    this.unfinished = unfinishedAtStart;
  }

  public long limit() {
    return limit;
  }

  /** Unfinished transfers as this instance believes them to be, with the submits admitted and not yet decided. */
  public synchronized long estimate() {
    return unfinished + reserved;
  }

  /**
   * Takes room for one submit if the estimate is below the limit. True: admitted, and the caller must
   * {@link #settled settle} it exactly once, whatever becomes of it. False: answer BUSY.
   */
  public synchronized boolean tryAdmit() {
    if (unfinished + reserved >= limit) {
      return false;
    }
    reserved++;
    return true;
  }

  /**
   * {@code admitted} submits were decided (or failed, or never got into the queue): {@code accepted}
   * of them are now stored unfinished, the others give their room back. Call it after the commit.
   */
  public synchronized void settled(int admitted, int accepted) {
    if (admitted < 0 || accepted < 0 || accepted > admitted) {
      throw new IllegalArgumentException("settled " + admitted + " admitted submits of which " + accepted
          + " were accepted: need 0 <= accepted <= admitted");
    }
    if (admitted > reserved) {
      throw new IllegalStateException("settling " + admitted + " submits but only " + reserved
          + " were admitted and not yet settled: a submit was settled twice");
    }
    reserved -= admitted;
    unfinished += accepted;
    acceptedTotal += accepted;
  }

  /** {@code count} transfers reached their final outcome here (after the commit). */
  public synchronized void finished(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("finished count cannot be negative: " + count);
    }
    // another instance may have accepted them: never below zero, the next read corrects the rest
    unfinished = Math.max(0, unfinished - count);
  }

  /** Call just before reading the store's count; hand the result to {@link #refreshed}. */
  public synchronized Refresh refreshing() {
    return new Refresh(acceptedTotal);
  }

  /**
   * Replaces the estimate by the store's count {@code unfinishedInStore}, read after {@code refresh}
   * began. Transfers this instance accepted while the count was being read may or may not be in it;
   * they are added again, which errs on the side of refusing: the next read removes the excess.
   * Transfers finished meanwhile are taken as counted; one whose commit came after the read's
   * snapshot stays in the estimate until the next read.
   */
  public synchronized void refreshed(Refresh refresh, long unfinishedInStore) {
    if (unfinishedInStore < 0) {
      throw new IllegalArgumentException("a count of unfinished transfers cannot be negative: " + unfinishedInStore);
    }
    if (refresh.acceptedBefore() > acceptedTotal) {
      throw new IllegalArgumentException("refresh " + refresh + " did not come from this admission");
    }
    unfinished = unfinishedInStore + (acceptedTotal - refresh.acceptedBefore());
  }

  @Override
  public synchronized String toString() {
    return "Admission[unfinished=" + unfinished + ", admitted=" + reserved + ", limit=" + limit + "]";
  }
}

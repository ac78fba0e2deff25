package io.natsbank.injector.bench;

import io.natsbank.injector.PlannedTransfer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One transfer the bench has sent and not yet seen final. It completes once both are known, in
 * either order: the producer acknowledged the submit, and the transfer is final at the producer (its
 * CONFIRM went by on the wiretap, or the reply itself carried a final state).
 */
final class InFlight {
  final PlannedTransfer transfer;
  /** When the transfer was meant to be sent (open loop: its slot in the schedule), {@link System#nanoTime()}. */
  final long intendedNanos;
  final boolean inWindow;
  volatile int attempt = 1;
  volatile long acknowledgedNanos;
  private volatile boolean acknowledged;
  private volatile boolean finalKnown;
  private volatile long finalNanos;
  private final AtomicBoolean completed = new AtomicBoolean();

  InFlight(PlannedTransfer transfer, long intendedNanos, boolean inWindow) {
    this.transfer = transfer;
    this.intendedNanos = intendedNanos;
    this.inWindow = inWindow;
  }

  /** Records the acknowledgement; true if this call completed the transfer. */
  boolean acknowledge(long nanos) {
    acknowledgedNanos = nanos;
    acknowledged = true;
    return tryComplete();
  }

  /** Records that the transfer is final at its producer (first sighting wins); true if this call completed it. */
  boolean finalAt(long nanos) {
    if (!finalKnown) {
      finalNanos = nanos;
      finalKnown = true;
    }
    return tryComplete();
  }

  boolean acknowledged() {
    return acknowledged;
  }

  boolean finalKnown() {
    return finalKnown;
  }

  long finalNanos() {
    return finalNanos;
  }

  /** Gives up on the transfer (refused, or no answer after every attempt); true if this call did. */
  boolean abandon() {
    return completed.compareAndSet(false, true);
  }

  private boolean tryComplete() {
    return acknowledged && finalKnown && completed.compareAndSet(false, true);
  }
}

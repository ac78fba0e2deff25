package io.natsbank.runtime;

import java.time.Duration;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual thread that, every {@code interval}, asks a node to re-send what is due, in batches of at
 * most {@code batchSizeMax}, for at most {@code batchesPerRoundMax} batches a round (so one round is
 * bounded even when a large backlog is due). Failures (database down) are logged and the loop goes on.
 */
public final class Resender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resender.class);

  private final Thread thread;
  private volatile boolean running = true;

  /** {@code resendDue} takes a batch limit and returns how many items it re-sent. */
  public Resender(String name, Duration interval, int batchSizeMax, int batchesPerRoundMax,
      IntUnaryOperator resendDue) {
    if (batchSizeMax < 1 || batchesPerRoundMax < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(name + ": interval, batch size and batches per round must be positive");
    }
    this.thread = Thread.ofVirtual().name(name).start(() -> {
      while (running) {
        try {
          Thread.sleep(interval);
          for (int round = 0; round < batchesPerRoundMax && running; round++) {
            if (resendDue.applyAsInt(batchSizeMax) < batchSizeMax) {
              break;
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          log.warn("{}: re-send scan failed, will retry: {}", name, e.toString());
        }
      }
    });
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

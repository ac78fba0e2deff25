package io.natsbank.runtime;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual thread that runs a task every {@code interval} (the pause runs from the end of one run to
 * the start of the next, so slow runs never pile up) until closed. A run that throws is logged and
 * the next one goes on: the task is expected to handle its own failures, this is the last resort.
 */
public final class PeriodicTask implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final Thread thread;
  private volatile boolean running = true;

  public PeriodicTask(String name, Duration interval, Runnable task) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(name + ": the interval must be positive, got " + interval);
    }
    this.name = name;
    this.thread = Thread.ofVirtual().name(name).start(() -> {
      while (running) {
        try {
          Thread.sleep(interval);
          if (running) {
            task.run();
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          log.warn("{}: run failed, will run again in {}: {}", name, interval, e.toString());
        }
      }
    });
  }

  /** Stops the loop, interrupting a run in progress, and waits for it (bounded). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      if (!thread.join(JOIN_TIMEOUT)) {
        log.warn("{}: still running {} after close", name, JOIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.natsbank.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests: every wait has a deadline and fails the test when it passes. */
public final class Await {
  /** How often {@link #until} looks again. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(5);

  private Await() {}

  public static void latch(CountDownLatch latch, Duration timeout) {
    try {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("latch still at " + latch.getCount() + " after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a latch", e);
    }
  }

  /** The future's value, or its failure rethrown as it was (unchecked) or wrapped (checked). */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new AssertionError("task failed", e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("task not done after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a task", e);
    }
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} once {@code timeout} has passed. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new AssertionError("still not true after " + timeout + ": " + what);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      }
    }
  }
}

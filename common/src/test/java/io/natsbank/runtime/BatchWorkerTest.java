package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The bounded batch queue every hot path of the services runs on. */
class BatchWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void takesWhatHasQueuedInBatchesOfAtMostTheBound() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(1);
    try (BatchWorker<Integer> worker = new BatchWorker<>("test", 100, 4, 1, batch -> {
      await(release);
      batches.add(List.copyOf(batch));
      if (batch.contains(10)) {
        all.countDown();
      }
    }, (batch, e) -> { })) {
      for (int i = 1; i <= 10; i++) {
        assertTrue(worker.offer(i, WAIT));
      }
      release.countDown();
      assertTrue(all.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    List<Integer> seen = new ArrayList<>();
    batches.forEach(seen::addAll);
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), seen, "each item once, in order, with one worker");
    assertTrue(batches.stream().allMatch(batch -> batch.size() <= 4), "no batch above the bound: " + batches);
    assertTrue(batches.size() < 10, "items queued while a batch ran were taken together: " + batches);
  }

  @Test
  void aFullQueueRefusesAfterTheWait() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (BatchWorker<Integer> worker = new BatchWorker<>("test", 1, 1, 1, batch -> {
      running.countDown();
      await(release);
    }, (batch, e) -> { })) {
      assertTrue(worker.offer(1, WAIT));
      assertTrue(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(worker.offer(2, WAIT), "the queue has room for one while the worker holds the first");
      long started = System.nanoTime();
      assertFalse(worker.offer(3, Duration.ofMillis(50)), "full: refused, the back-pressure signal");
      assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(50), "after waiting its time");
      assertEquals(1, worker.queued());
      release.countDown();
    }
  }

  @Test
  void aFailedBatchGoesToTheFailureHandlerAndTheWorkerGoesOn() throws InterruptedException {
    ConcurrentLinkedQueue<Integer> failed = new ConcurrentLinkedQueue<>();
    AtomicReference<RuntimeException> error = new AtomicReference<>();
    CountDownLatch processed = new CountDownLatch(1);
    try (BatchWorker<Integer> worker = new BatchWorker<>("test", 10, 1, 1, batch -> {
      if (batch.get(0) == 1) {
        throw new IllegalStateException("database down");
      }
      processed.countDown();
    }, (batch, e) -> {
      failed.addAll(batch);
      error.set(e);
    })) {
      assertTrue(worker.offer(1, WAIT));
      assertTrue(worker.offer(2, WAIT));
      assertTrue(processed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the next batch still runs");
    }
    assertEquals(List.of(1), List.copyOf(failed));
    assertEquals("database down", error.get().getMessage());
  }

  @Test
  void closeFinishesWhatIsQueuedThenRefuses() {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    BatchWorker<Integer> worker = new BatchWorker<>("test", 100, 2, 1, batch -> {
      await(release);
      seen.addAll(batch);
    }, (batch, e) -> { });
    for (int i = 1; i <= 5; i++) {
      assertTrue(worker.offer(i, WAIT));
    }
    release.countDown();
    worker.close(WAIT);

    assertEquals(List.of(1, 2, 3, 4, 5), seen);
    assertFalse(worker.offer(6, WAIT), "a closed worker takes nothing more");
  }

  @Test
  void workersArePlatformThreadsNamedAfterTheQueue() throws InterruptedException {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CountDownLatch both = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    try (BatchWorker<Integer> worker = new BatchWorker<>("submit-p1", 10, 1, 2, batch -> {
      threads.add(Thread.currentThread());
      both.countDown();
      await(release);
    }, (batch, e) -> { })) {
      assertTrue(worker.offer(1, WAIT));
      assertTrue(worker.offer(2, WAIT));
      assertTrue(both.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "two workers run two batches at once");
      release.countDown();
    }
    assertEquals(2, threads.size());
    for (Thread thread : threads) {
      assertFalse(thread.isVirtual(), "a worker blocks on its database connection: a platform thread");
      assertTrue(thread.isDaemon(), "and does not keep the process alive on its own");
      assertTrue(thread.getName().startsWith("submit-p1-"), thread.getName());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("not released within " + WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

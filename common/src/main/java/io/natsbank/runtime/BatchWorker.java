package io.natsbank.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue drained in batches by a fixed number of worker threads. Each batch holds at most
 * {@code batchSizeMax} items and goes to {@code process} at once; if it throws, {@code onFailure}
 * gets the batch and the error (it must not throw). Offering to a full queue waits at most the
 * given time and then says no: that is the back-pressure signal.
 *
 * <p>The workers are platform threads, not virtual ones. There are few of them, each lives as long
 * as the service, and each spends its batch waiting on its database connection: a virtual thread
 * that waits on a socket parks, the JDK's poller thread wakes when the answer arrives and hands it
 * back to a carrier thread, two more thread wake-ups per round trip than a platform thread blocked
 * in its read. Measured on 1 producer + 1 consumer, the same closed loop minutes apart: 9,334
 * transfers/s with virtual workers, 9,773 with platform ones, and the two services' CPU per transfer
 * 62.4 µs against 54.9; in an open loop at 5,600/s, 97 µs against 82.
 */
public final class BatchWorker<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchWorker.class);
  private static final long POLL_MILLIS = 100;

  private final String name;
  private final BlockingQueue<T> queue;
  private final int batchSizeMax;
  private final Consumer<List<T>> process;
  private final BiConsumer<List<T>, RuntimeException> onFailure;
  private final CountDownLatch stopped;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  public BatchWorker(String name, int queueCapacity, int batchSizeMax, int workers, Consumer<List<T>> process,
      BiConsumer<List<T>, RuntimeException> onFailure) {
    if (queueCapacity < 1 || batchSizeMax < 1 || workers < 1) {
      throw new IllegalArgumentException(name + ": queue capacity, batch size and workers must be at least 1");
    }
    this.name = name;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.batchSizeMax = batchSizeMax;
    this.process = process;
    this.onFailure = onFailure;
    this.stopped = new CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      threads.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(this::loop));
    }
  }

  /** Queues an item, waiting up to {@code wait} for room; false if the queue stayed full or is closed. */
  public boolean offer(T item, Duration wait) {
    if (!running) {
      return false;
    }
    try {
      return queue.offer(item, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public int queued() {
    return queue.size();
  }

  private void loop() {
    try {
      List<T> batch = new ArrayList<>(batchSizeMax);
      while (running || !queue.isEmpty()) {
        T first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, batchSizeMax - 1);
        runBatch(batch);
        batch = new ArrayList<>(batchSizeMax);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private void runBatch(List<T> batch) {
    try {
      process.accept(batch);
    } catch (RuntimeException e) {
      try {
        onFailure.accept(batch, e);
      } catch (RuntimeException nested) {
        log.error("{}: failure handler threw", name, nested);
      }
    }
  }

  /** Stops taking items, finishes what is queued (bounded by {@code timeout}), then returns. */
  public void close(Duration timeout) {
    running = false;
    try {
      if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: {} items still queued after {}; interrupting", name, queue.size(), timeout);
        threads.forEach(Thread::interrupt);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}

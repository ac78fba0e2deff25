package io.natsbank.simulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One subscription's queue in an instance, drained like the real runtime drains it: whatever is
 * queued, up to a batch cap, in one call. Batch sizes vary (1..cap) to exercise batches of every
 * size. A crash empties it: what a process had received but not committed is gone.
 */
final class Inbox<T> {
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final int batchMax;
  private final Consumer<List<T>> handler;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private long drainScheduledFor = -1;
  private int generation;

  Inbox(Scheduler scheduler, RandomGenerator random, int batchMax, Consumer<List<T>> handler) {
    this.scheduler = scheduler;
    this.random = random;
    this.batchMax = batchMax;
    this.handler = handler;
  }

  void add(T item) {
    queue.add(item);
    scheduleDrain();
  }

  void clear() {
    queue.clear();
    generation++;
    drainScheduledFor = -1;
  }

  private void scheduleDrain() {
    if (drainScheduledFor >= 0) {
      return;
    }
    int scheduledGeneration = generation;
    drainScheduledFor = scheduler.now() + random.nextInt(3);
    scheduler.at(drainScheduledFor, () -> drain(scheduledGeneration));
  }

  private void drain(int scheduledGeneration) {
    if (scheduledGeneration != generation) {
      return;
    }
    drainScheduledFor = -1;
    int size = 1 + random.nextInt(Math.min(queue.size(), batchMax));
    List<T> batch = new ArrayList<>(size);
    for (int index = 0; index < size; index++) {
      batch.add(queue.poll());
    }
    handler.accept(batch);
    if (scheduledGeneration == generation && !queue.isEmpty()) {
      scheduleDrain();
    }
  }
}

package io.natsbank.simulation;

import java.util.PriorityQueue;

/**
 * Discrete-event time: a queue of actions ordered by tick, ties broken by the order they were
 * scheduled in, so a run depends on nothing but its seed. Time only moves when an event runs.
 */
final class Scheduler {
  private record Event(long tick, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTick = Long.compare(tick, other.tick);
      return byTick != 0 ? byTick : Long.compare(sequence, other.sequence);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long scheduled;
  private long executed;

  long now() {
    return now;
  }

  long executed() {
    return executed;
  }

  void at(long tick, Runnable action) {
    queue.add(new Event(Math.max(tick, now), scheduled++, action));
  }

  void after(long delayTicks, Runnable action) {
    at(now + delayTicks, action);
  }

  /** Runs the next event if there is one due no later than {@code tickLimit}; false when there is none. */
  boolean runNext(long tickLimit) {
    Event next = queue.peek();
    if (next == null || next.tick() > tickLimit) {
      now = Math.max(now, tickLimit);
      return false;
    }
    queue.poll();
    now = next.tick();
    executed++;
    next.action().run();
    return true;
  }
}

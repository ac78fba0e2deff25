package io.natsbank.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Named counters a service keeps (refusals by cause, batches, re-sends); cheap and thread-safe. */
public final class Counters {
  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

  public void increment(String name) {
    add(name, 1);
  }

  public void add(String name, long amount) {
    counters.computeIfAbsent(name, key -> new LongAdder()).add(amount);
  }

  public long get(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counters.forEach((name, adder) -> snapshot.put(name, adder.sum()));
    return snapshot;
  }
}

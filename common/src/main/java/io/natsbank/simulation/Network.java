package io.natsbank.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The simulated message bus, at most once like core NATS: each message may be dropped, duplicated
 * and delayed (and so reordered), and partitions cut endpoints apart. A message for a queue group
 * goes to one member chosen when it arrives, among the members that are up and reachable; with none,
 * it is lost, as core NATS loses a message nobody is subscribed to.
 */
final class Network {
  /** Something that receives messages: an instance of a participant, or the client. */
  interface Endpoint {
    String address();

    boolean up();
  }

  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Stats stats;
  private final Tracer tracer;
  private final List<Set<String>> partitions = new ArrayList<>();
  private Scenario.Faults faults;

  Network(Scheduler scheduler, RandomGenerator random, Stats stats, Tracer tracer, Scenario.Faults faults) {
    this.scheduler = scheduler;
    this.random = random;
    this.stats = stats;
    this.tracer = tracer;
    this.faults = faults;
  }

  /** Sends {@code message} to one member of {@code group}, chosen on arrival. */
  <E extends Endpoint> void toGroup(String from, String groupName, List<E> group, Object message,
      Consumer<E> deliver) {
    tracer.log(() -> from + " sends " + Tracer.describe(message) + " to " + groupName);
    transmit(message, () -> {
      List<E> reachable = new ArrayList<>(group.size());
      for (E member : group) {
        if (member.up() && !blocked(from, member.address())) {
          reachable.add(member);
        }
      }
      if (reachable.isEmpty()) {
        stats.undeliverable++;
        tracer.log(() -> "no member of " + groupName + " up and reachable from " + from + ": lost "
            + Tracer.describe(message));
        return;
      }
      E member = reachable.get(random.nextInt(reachable.size()));
      tracer.log(() -> member.address() + " receives " + Tracer.describe(message));
      deliver.accept(member);
    });
  }

  /** Sends {@code message} to one endpoint (a reply inbox). */
  void toEndpoint(String from, Endpoint to, Object message, Runnable deliver) {
    tracer.log(() -> from + " sends " + Tracer.describe(message) + " to " + to.address());
    transmit(message, () -> {
      if (!to.up() || blocked(from, to.address())) {
        stats.undeliverable++;
        tracer.log(() -> to.address() + " unreachable from " + from + ": lost " + Tracer.describe(message));
        return;
      }
      tracer.log(() -> to.address() + " receives " + Tracer.describe(message));
      deliver.run();
    });
  }

  private void transmit(Object message, Runnable arrival) {
    if (faults.dropRate() > 0 && random.nextDouble() < faults.dropRate()) {
      stats.dropped++;
      tracer.log(() -> "network drops " + Tracer.describe(message));
      return;
    }
    int copies = 1;
    if (faults.duplicateRate() > 0 && random.nextDouble() < faults.duplicateRate()) {
      copies = 2 + (random.nextInt(4) == 0 ? 1 : 0);
      stats.duplicated += copies - 1;
      int shown = copies;
      tracer.log(() -> "network duplicates " + Tracer.describe(message) + " x" + shown);
    }
    for (int copy = 0; copy < copies; copy++) {
      scheduler.after(random.nextLong(faults.delayTicksMax() + 1), arrival);
    }
  }

  /** Cuts the endpoints in {@code side} from all others until {@link #join}. */
  void partition(Set<String> side) {
    partitions.add(side);
    stats.partitions++;
    tracer.log(() -> "partition cuts " + side + " from the rest");
  }

  void join(Set<String> side) {
    if (partitions.remove(side)) {
      tracer.log(() -> "partition of " + side + " joins");
    }
  }

  boolean blocked(String from, String to) {
    for (Set<String> side : partitions) {
      if (side.contains(from) != side.contains(to)) {
        return true;
      }
    }
    return false;
  }

  /** No more faults: every partition joins, nothing is dropped or duplicated; small delays remain. */
  void heal(long delayTicksMax) {
    partitions.clear();
    faults = Scenario.Faults.healed(delayTicksMax);
  }
}

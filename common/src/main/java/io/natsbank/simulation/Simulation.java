package io.natsbank.simulation;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.ProducerStore;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.store.memory.ConsumerSnapshot;
import io.natsbank.store.memory.MemoryConsumerStore;
import io.natsbank.store.memory.MemoryProducerStore;
import io.natsbank.store.memory.ProducerSnapshot;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.TransferStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A deterministic simulation of the whole protocol, in the spirit of TigerBeetle's VOPR: one seed
 * decides everything (participants, instances, accounts, the client's transfers, every fault), so a
 * failing seed replays exactly. The real cores and nodes run over in-memory stores that keep only
 * what committed, on a simulated clock and network, driven by a discrete-event scheduler.
 *
 * <p>A run has three phases: faults (messages dropped, duplicated, delayed and reordered;
 * partitions; instances crashing at any point, including between a commit and its sends), heal
 * (no more faults, every instance up), and settle (run until quiet: nothing unfinished, unconfirmed
 * or unanswered, within {@link #SETTLE_TICKS_MAX}). Then, after a grace period in which late
 * duplicates still arrive, the {@link Checker} audits every invariant.
 */
public final class Simulation {
  /** How long the system may take to go quiet after healing, in ticks of {@value World#TICK_MILLIS} ms. */
  public static final long SETTLE_TICKS_MAX = 6_000;
  /** How long a quiet system keeps running before the audit, so that late messages still land. */
  public static final long QUIET_GRACE_TICKS = 300;

  /**
   * What a seed produced: its violations (empty when clean) and its figures. {@code transfers} counts
   * the transfers the client got acknowledged, {@code messages} the protocol messages sent,
   * {@code settleTicks} the ticks from healing to quiet, {@code faults} the faults injected; {@code
   * fingerprint} digests the final committed state of every store, to compare runs of one seed.
   */
  public record Result(long seed, List<String> violations, int transfers, long messages, long settleTicks,
      long faults, long fingerprint, Map<String, Long> counters) {
    public Result {
      violations = List.copyOf(violations);
      counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    public boolean clean() {
      return violations.isEmpty();
    }
  }

  /**
   * How the participants are built: the real cores and stores by default; tests plant bugs by
   * passing cores that misbehave or stores wrapped to misbehave.
   */
  public record Wiring(
      Function<ProducerCore.Settings, ProducerCore> producerCores,
      Function<ConsumerCore.Settings, ConsumerCore> consumerCores,
      UnaryOperator<ProducerStore> producerStores,
      UnaryOperator<ConsumerStore> consumerStores) {

    public static final Wiring REAL =
        new Wiring(ProducerCore::new, ConsumerCore::new, UnaryOperator.identity(), UnaryOperator.identity());

    public Wiring {
      Objects.requireNonNull(producerCores, "producerCores");
      Objects.requireNonNull(consumerCores, "consumerCores");
      Objects.requireNonNull(producerStores, "producerStores");
      Objects.requireNonNull(consumerStores, "consumerStores");
    }

    public Wiring withProducerCores(Function<ProducerCore.Settings, ProducerCore> cores) {
      return new Wiring(cores, consumerCores, producerStores, consumerStores);
    }

    public Wiring withConsumerCores(Function<ConsumerCore.Settings, ConsumerCore> cores) {
      return new Wiring(producerCores, cores, producerStores, consumerStores);
    }

    public Wiring withProducerStores(UnaryOperator<ProducerStore> stores) {
      return new Wiring(producerCores, consumerCores, stores, consumerStores);
    }

    public Wiring withConsumerStores(UnaryOperator<ConsumerStore> stores) {
      return new Wiring(producerCores, consumerCores, producerStores, stores);
    }
  }

  private Simulation() {}

  public static Result run(long seed) {
    return run(seed, Wiring.REAL);
  }

  public static Result run(long seed, Wiring wiring) {
    return run(seed, wiring, null);
  }

  /** Runs one seed, handing every event of the run to {@code trace} (null: no trace). */
  public static Result run(long seed, Wiring wiring, Consumer<String> trace) {
    SplittableRandom random = new SplittableRandom(seed);
    Scenario scenario = Scenario.generate(random.split());
    World world = new World(scenario, wiring, random.split(), trace);
    if (trace != null) {
      trace.accept("seed " + seed + ": " + scenario);
    }
    Scheduler scheduler = world.scheduler();
    world.start();
    runUntil(scheduler, scenario.faultPhaseTicks());
    world.heal();
    long healedAt = scheduler.now();
    boolean settled = runUntilQuiet(world, healedAt + SETTLE_TICKS_MAX);
    long settleTicks = scheduler.now() - healedAt;
    world.tracer().log(() -> settled ? "QUIET after " + settleTicks + " ticks" : "NOT SETTLED");
    if (!settled) {
      world.violation("not settled " + SETTLE_TICKS_MAX + " ticks after healing: " + world.unsettled());
    } else {
      runUntil(scheduler, scheduler.now() + QUIET_GRACE_TICKS);
      if (!world.quiet()) {
        world.violation("the system did not stay quiet after settling");
      }
    }
    long fingerprint = audit(world);
    Stats stats = world.stats();
    stats.events = scheduler.executed();
    long acknowledged = world.client().records().stream().filter(record -> record.acknowledged).count();
    return new Result(seed, world.violations().list(), (int) acknowledged, stats.protocolMessages, settleTicks,
        stats.faults(), fingerprint, stats.asMap());
  }

  private static void runUntil(Scheduler scheduler, long tick) {
    while (scheduler.runNext(tick)) {
      // every event runs in order; time moves to the limit at the end
    }
  }

  private static boolean runUntilQuiet(World world, long tickLimit) {
    while (!world.quiet()) {
      if (!world.scheduler().runNext(tickLimit)) {
        return world.quiet();
      }
    }
    return true;
  }

  /** Checks every invariant on the committed state; returns the state's fingerprint. */
  private static long audit(World world) {
    List<ProducerSnapshot> producers = world.producerStores().stream().map(MemoryProducerStore::snapshot).toList();
    countOutcomes(producers, world.stats());
    List<ConsumerSnapshot> consumers = world.consumerStores().stream().map(MemoryConsumerStore::snapshot).toList();
    new Checker(producers, consumers, world.client().records(), message -> world.violations().add("audit: " + message))
        .check();
    return fingerprint(producers.toString() + consumers);
  }

  /** 64-bit FNV-1a: stable across JVMs, unlike hash codes of enums and objects. */
  static long fingerprint(String text) {
    long hash = 0xcbf29ce484222325L;
    for (int index = 0; index < text.length(); index++) {
      hash ^= text.charAt(index);
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  private static void countOutcomes(List<ProducerSnapshot> producers, Stats stats) {
    for (ProducerSnapshot snapshot : producers) {
      for (ProducerTransfer transfer : snapshot.transfers()) {
        if (!transfer.sent()) {
          stats.rejectedAtOnce++;
        } else if (transfer.status() == TransferStatus.OK) {
          stats.outcomesOk++;
        } else if (transfer.status() == TransferStatus.REJECTED) {
          stats.outcomesRejected++;
        }
      }
    }
  }
}

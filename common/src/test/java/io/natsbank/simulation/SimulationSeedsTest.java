package io.natsbank.simulation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs the simulation over many seeds (10,000 by default; {@code -Dsimulation.seeds=N} and {@code
 * -Dsimulation.firstSeed=S} change the range). Seeds are independent, so they run on all cores; each
 * one is still single-threaded and deterministic. A failure names every failing seed with its
 * violations; replay one with {@code ./scripts/simulate.sh --seed S}.
 */
class SimulationSeedsTest {
  static final long SEEDS = Long.getLong("simulation.seeds", 10_000);
  static final long FIRST_SEED = Long.getLong("simulation.firstSeed", 0);
  static final int FAILURES_SHOWN_MAX = 10;

  @Test
  void everySeedKeepsEveryInvariant() {
    long started = System.nanoTime();
    List<Simulation.Result> results = LongStream.range(FIRST_SEED, FIRST_SEED + SEEDS).parallel()
        .mapToObj(Simulation::run).toList();
    long millis = (System.nanoTime() - started) / 1_000_000;

    List<Simulation.Result> failed = results.stream().filter(result -> !result.clean()).toList();
    System.out.printf("simulation: seeds=%d violations=%d transfers=%d messages=%d max_settle_ticks=%d (%d ms)%n",
        results.size(), failed.stream().mapToInt(result -> result.violations().size()).sum(),
        results.stream().mapToLong(Simulation.Result::transfers).sum(),
        results.stream().mapToLong(Simulation.Result::messages).sum(),
        results.stream().mapToLong(Simulation.Result::settleTicks).max().orElse(0), millis);
    assertTrue(failed.isEmpty(), () -> failed.size() + " of " + SEEDS + " seeds failed, e.g.:\n"
        + failed.stream().limit(FAILURES_SHOWN_MAX)
            .map(result -> "seed " + result.seed() + ":\n  " + String.join("\n  ", result.violations()))
            .collect(Collectors.joining("\n")));
  }
}

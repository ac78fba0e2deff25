package io.natsbank.simulation;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the simulation over a range of seeds, or replays one; exit code 1 if any seed fails. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Runs the deterministic protocol simulation over many seeds and audits every invariant.")
public final class SimulationMain implements Callable<Integer> {

  @Option(names = "--seeds", defaultValue = "1000", description = "How many seeds to run (default: ${DEFAULT-VALUE}).")
  long seeds;

  @Option(names = "--first-seed", defaultValue = "0",
      description = "The first seed of the range (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(names = "--seed", description = "Replay exactly this one seed and print its figures.")
  Long seed;

  @Option(names = "--verbose", description = "Print one line per seed.")
  boolean verbose;

  @Option(names = "--trace", description = "Print every event of the run (use with --seed).")
  boolean trace;

  private final PrintStream out;
  private final Simulation.Wiring wiring;

  SimulationMain(PrintStream out, Simulation.Wiring wiring) {
    this.out = out;
    this.wiring = wiring;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulationMain(System.out, Simulation.Wiring.REAL)).execute(args));
  }

  @Override
  public Integer call() {
    if (seeds < 1 && seed == null) {
      out.println("--seeds must be at least 1, got " + seeds);
      return 2;
    }
    long first = seed != null ? seed : firstSeed;
    long count = seed != null ? 1 : seeds;
    long failedSeeds = 0;
    long violations = 0;
    long transfers = 0;
    long messages = 0;
    long maxSettleTicks = 0;
    Map<String, Long> counters = new LinkedHashMap<>();
    for (long index = 0; index < count; index++) {
      Simulation.Result result = Simulation.run(first + index, wiring, trace ? out::println : null);
      transfers += result.transfers();
      messages += result.messages();
      maxSettleTicks = Math.max(maxSettleTicks, result.settleTicks());
      result.counters().forEach((name, value) -> counters.merge(name, value, Long::sum));
      if (verbose || seed != null) {
        out.printf("seed=%d transfers=%d messages=%d settle_ticks=%d faults=%d violations=%d fingerprint=%016x%n",
            result.seed(), result.transfers(), result.messages(), result.settleTicks(), result.faults(),
            result.violations().size(), result.fingerprint());
      }
      if (!result.clean()) {
        failedSeeds++;
        violations += result.violations().size();
        out.println("FAILED seed=" + result.seed() + " (replay: ./scripts/simulate.sh --seed " + result.seed() + ")");
        result.violations().forEach(violation -> out.println("  " + violation));
      }
    }
    if (verbose || seed != null) {
      out.println("counters: " + counters);
    }
    out.printf("simulation: seeds=%d violations=%d transfers=%d messages=%d max_settle_ticks=%d%n", count,
        violations, transfers, messages, maxSettleTicks);
    return failedSeeds == 0 ? 0 : 1;
  }
}

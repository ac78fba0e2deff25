package io.natsbank.injector.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code injector bench}: the load loops of the benchmark and the report that merges their figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {ClosedLoopCommand.class, OpenLoopCommand.class, ReportCommand.class},
    description = {
        "Benchmarks running services (scripts/bench.sh runs the whole benchmark).",
        "'closed' finds the saturated throughput with a fixed number of transfers in flight; 'open' sends at a "
            + "fixed rate and measures latency from each transfer's intended send time to its final outcome at the "
            + "producer; 'report' merges the phases with pgbench's figure into one JSON report, a PNG chart and "
            + "one 'bench:' line."})
public final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}

package io.natsbank.injector.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "closed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Closed loop at saturation: keeps --in-flight transfers unfinished (sent, not yet final at the producer) "
            + "for the warm-up and the window, then waits until the system is quiet and counts.",
        "Throughput is the number of decisions confirmed at the consumers during the window (from the rows' "
            + "confirmed_at), per second. Messages per transfer come from a wiretap on the protocol subjects, commits "
            + "per transfer from pg_stat_database. Every transfer is recorded in the injector's database first, so "
            + "'injector audit' can check the run afterwards.",
        "Ends with one 'bench <label>:' line; exits 1 if any transfer failed or stayed unfinished."})
final class ClosedLoopCommand implements Callable<Integer> {
  @Mixin LoadOptions load;

  @Option(names = "--in-flight", paramLabel = "N", defaultValue = "${env:NATSBANK_BENCH_IN_FLIGHT:-1000}",
      description = "Transfers unfinished at once (env NATSBANK_BENCH_IN_FLIGHT, default ${DEFAULT-VALUE}).")
  int inFlight;

  @Override
  public Integer call() throws Exception {
    PhaseResult result = new BenchPhase(load, System.err).run("closed", inFlight, 0, start -> Pacers.closed(inFlight));
    return OpenLoopCommand.report(result);
  }
}

package io.natsbank.injector.bench;

import io.natsbank.injector.InjectorMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "open", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Open loop at a fixed rate: transfer i is meant to go at start + i / rate whatever the system does. "
            + "Latency runs from that intended time to the transfer's final outcome at the producer (its CONFIRM on "
            + "the wire), into an HdrHistogram: a sender held up by a slow system still counts the wait "
            + "(coordinated omission corrected).",
        "Ends with one 'bench <label>:' line; exits 1 if any transfer failed or stayed unfinished."})
final class OpenLoopCommand implements Callable<Integer> {
  @Mixin LoadOptions load;

  @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "${env:NATSBANK_BENCH_RATE:-1000}",
      description = "Transfers sent per second (env NATSBANK_BENCH_RATE, default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--in-flight-max", paramLabel = "N", defaultValue = "${env:NATSBANK_BENCH_IN_FLIGHT_MAX:-100000}",
      description = "Unfinished transfers at most, a memory bound only: reaching it holds the sender back, and the "
          + "wait shows in the latencies (env NATSBANK_BENCH_IN_FLIGHT_MAX, default ${DEFAULT-VALUE}).")
  int inFlightMax;

  /**
   * The sender's wake-ups: measured at 5,600 transfers/s on the 2-core machine the whole system
   * shares, parking once per transfer (every 179 µs) cost the load generator 14 µs of CPU per
   * transfer in its pacing thread alone, CPU the services then lack. Once per millisecond adds at
   * most a millisecond, counted in the latency, to each transfer's wait.
   */
  @Option(names = "--send-tick-micros", paramLabel = "MICROS",
      defaultValue = "${env:NATSBANK_BENCH_SEND_TICK_MICROS:-1000}",
      description = "The sender wakes once per tick and sends every transfer whose intended time has come; latency "
          + "still counts from each one's intended time, the wait for the tick included. 0 = wake for each "
          + "transfer at its own time (env NATSBANK_BENCH_SEND_TICK_MICROS, default ${DEFAULT-VALUE}).")
  long sendTickMicros;

  @Override
  public Integer call() throws Exception {
    if (sendTickMicros < 0 || sendTickMicros > 1_000_000) {
      throw new IllegalArgumentException("--send-tick-micros must be within 0..1000000, got " + sendTickMicros);
    }
    long tickNanos = sendTickMicros * 1_000;
    PhaseResult result = new BenchPhase(load, System.err).run("open", inFlightMax, rate,
        start -> Pacers.open(rate, inFlightMax, start, tickNanos));
    return report(result);
  }

  static int report(PhaseResult result) {
    if (result.lastProblem() != null) {
      System.err.println("bench " + result.label() + ": last problem: " + result.lastProblem());
    }
    System.out.println(result.summaryLine());
    boolean clean = result.failed() == 0 && result.refused() == 0 && result.unfinished() == 0 && result.quiet();
    return clean ? InjectorMain.EXIT_OK : InjectorMain.EXIT_FAILED;
  }
}

package io.natsbank.config;

import io.natsbank.transport.FaultSettings;
import picocli.CommandLine.Option;

/** Faults to inject on protocol subjects, for demos and tests. All off by default. */
public final class FaultOptions {
  @Option(names = "--fault-out-drop", defaultValue = "${env:NATSBANK_FAULT_OUT_DROP:-0}",
      description = "Probability of dropping a message this process sends (env NATSBANK_FAULT_OUT_DROP, default 0).")
  public double outDrop;

  @Option(names = "--fault-out-duplicate", defaultValue = "${env:NATSBANK_FAULT_OUT_DUPLICATE:-0}",
      description = "Probability of sending a message twice (env NATSBANK_FAULT_OUT_DUPLICATE, default 0).")
  public double outDuplicate;

  @Option(names = "--fault-out-delay", defaultValue = "${env:NATSBANK_FAULT_OUT_DELAY:-0}",
      description = "Probability of delaying (and so reordering) a message sent (env NATSBANK_FAULT_OUT_DELAY, default 0).")
  public double outDelay;

  @Option(names = "--fault-in-drop", defaultValue = "${env:NATSBANK_FAULT_IN_DROP:-0}",
      description = "Probability of dropping a message received (env NATSBANK_FAULT_IN_DROP, default 0).")
  public double inDrop;

  @Option(names = "--fault-in-duplicate", defaultValue = "${env:NATSBANK_FAULT_IN_DUPLICATE:-0}",
      description = "Probability of handling a received message twice (env NATSBANK_FAULT_IN_DUPLICATE, default 0).")
  public double inDuplicate;

  @Option(names = "--fault-in-delay", defaultValue = "${env:NATSBANK_FAULT_IN_DELAY:-0}",
      description = "Probability of delaying a received message (env NATSBANK_FAULT_IN_DELAY, default 0).")
  public double inDelay;

  @Option(names = "--fault-delay-max-millis", defaultValue = "${env:NATSBANK_FAULT_DELAY_MAX_MILLIS:-200}",
      description = "Longest injected delay (env NATSBANK_FAULT_DELAY_MAX_MILLIS, default ${DEFAULT-VALUE}).")
  public long delayMaxMillis;

  @Option(names = "--fault-seed", defaultValue = "${env:NATSBANK_FAULT_SEED:-1}",
      description = "Seed of the fault schedule (env NATSBANK_FAULT_SEED, default ${DEFAULT-VALUE}).")
  public long seed;

  public FaultSettings settings() {
    return new FaultSettings(outDrop, outDuplicate, outDelay, inDrop, inDuplicate, inDelay, delayMaxMillis, seed);
  }
}

package io.natsbank.injector;

import java.util.List;
import picocli.CommandLine.Option;

/** The participants a command works on. */
public final class ParticipantOptions {
  @Option(names = "--producers", paramLabel = "NAMES", defaultValue = "${env:NATSBANK_PRODUCERS:-}",
      description = "Producer participants, comma-separated (env NATSBANK_PRODUCERS, no default).")
  String producers;

  @Option(names = "--consumers", paramLabel = "NAMES", defaultValue = "${env:NATSBANK_CONSUMERS:-}",
      description = "Consumer participants, comma-separated (env NATSBANK_CONSUMERS, no default).")
  String consumers;

  public List<String> producers() {
    return Participants.required("--producers", "NATSBANK_PRODUCERS", producers);
  }

  public List<String> consumers() {
    return Participants.required("--consumers", "NATSBANK_CONSUMERS", consumers);
  }
}

package io.natsbank.injector;

import io.natsbank.config.NatsOptions;
import io.natsbank.protocol.Names;
import io.natsbank.transport.NatsTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Asks the producer(s) through the NATS status API what state a transfer is in and prints it; "
        + "exits 1 if no producer knows it.")
final class StatusCommand implements Callable<Integer> {
  @Mixin NatsOptions nats;
  @Mixin NatsConnect natsConnect;

  @Parameters(index = "0", paramLabel = "TRANSFER_ID", description = "The transfer id (a lower-case UUID).")
  String transferId;

  @Option(names = "--producer", paramLabel = "NAME", defaultValue = "${env:NATSBANK_STATUS_PRODUCER:-}",
      description = "Ask only this producer (env NATSBANK_STATUS_PRODUCER, default: every producer of --producers).")
  String producer;

  @Option(names = "--producers", paramLabel = "NAMES", defaultValue = "${env:NATSBANK_PRODUCERS:-}",
      description = "Producer participants, comma-separated (env NATSBANK_PRODUCERS, no default).")
  String producers;

  @Option(names = "--request-timeout-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_REQUEST_TIMEOUT_MILLIS:-5000}",
      description = "How long to wait for each producer's reply (env NATSBANK_REQUEST_TIMEOUT_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  long requestTimeoutMillis;

  @Override
  public Integer call() throws Exception {
    List<String> asked = producer != null && !producer.isBlank()
        ? List.of(Names.participant("--producer", producer))
        : Participants.required("--producers", "NATSBANK_PRODUCERS", producers);
    var id = Names.transferId(transferId);
    try (NatsTransport transport = natsConnect.connect(nats.url, "injector-status")) {
      return new StatusQuery(new ProducerApi(transport, nats.subjects()), Duration.ofMillis(requestTimeoutMillis),
          System.out, System.err).run(id, asked);
    }
  }
}

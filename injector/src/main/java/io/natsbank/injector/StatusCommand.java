package io.natsbank.injector;

import io.natsbank.config.NatsOptions;
import io.natsbank.protocol.Names;
import io.natsbank.transport.NatsTransport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Asks the producer(s) through the NATS status API what state a transfer is in and prints it; then prints "
            + "the transfer's history as each side recorded it: the producer's row and entries, the consumer's row "
            + "and entries, the injector's record of the submit, and one timeline of them all (read from the "
            + "databases that can be reached; --no-history skips them).",
        "Exits 1 if neither a producer nor a database knows the transfer."})
final class StatusCommand implements Callable<Integer> {
  @Mixin NatsOptions nats;
  @Mixin NatsConnect natsConnect;
  @Mixin DatabaseTemplateOptions database;

  @Parameters(index = "0", paramLabel = "TRANSFER_ID", description = "The transfer id (a lower-case UUID).")
  String transferId;

  @Option(names = "--producer", paramLabel = "NAME", defaultValue = "${env:NATSBANK_STATUS_PRODUCER:-}",
      description = "Ask only this producer (env NATSBANK_STATUS_PRODUCER, default: every producer of --producers).")
  String producer;

  @Option(names = "--producers", paramLabel = "NAMES", defaultValue = "${env:NATSBANK_PRODUCERS:-}",
      description = "Producer participants, comma-separated (env NATSBANK_PRODUCERS, no default).")
  String producers;

  @Option(names = "--consumers", paramLabel = "NAMES", defaultValue = "${env:NATSBANK_CONSUMERS:-}",
      description = "Consumer databases to read the history from, comma-separated (env NATSBANK_CONSUMERS; default: "
          + "the consumer the producer's row names).")
  String consumers;

  @Option(names = "--history", negatable = true, defaultValue = "${env:NATSBANK_STATUS_HISTORY:-true}",
      fallbackValue = "true", description = "Print the history from the databases too; --no-history asks the API "
          + "only (env NATSBANK_STATUS_HISTORY, default ${DEFAULT-VALUE}).")
  boolean history;

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
    List<String> consumerNames = Participants.parse("--consumers", consumers);
    UUID id = Names.transferId(transferId);
    int answered = askProducers(id, asked, System.out, System.err);
    if (!history) {
      return answered;
    }
    ParticipantDatabases databases = database.databases();
    TransferHistory reader = new TransferHistory(WatchCommand.sources(databases, asked),
        WatchCommand.sources(databases, consumerNames),
        WatchCommand.source(databases, databases.injectorDatabase()), WatchCommand.QUERY_TIMEOUT_SECONDS);
    System.out.println();
    boolean recorded = reader.print(id,
        consumer -> WatchCommand.source(databases, ParticipantDatabases.databaseName(consumer)), System.out);
    return answered == InjectorMain.EXIT_OK || recorded ? InjectorMain.EXIT_OK : InjectorMain.EXIT_FAILED;
  }

  /** The producer API's answer; without history, NATS being out of reach is an error, else only a note. */
  private int askProducers(UUID id, List<String> asked, PrintStream out, PrintStream err) throws InterruptedException {
    NatsTransport transport;
    try {
      transport = natsConnect.connect(nats.url, "injector-status");
    } catch (IllegalStateException e) {
      if (!history) {
        throw e;
      }
      err.println("status: producer API not asked: " + e.getMessage());
      return InjectorMain.EXIT_FAILED;
    }
    try (transport) {
      return new StatusQuery(new ProducerApi(transport, nats.subjects()), Duration.ofMillis(requestTimeoutMillis),
          out, err).run(id, asked);
    }
  }
}

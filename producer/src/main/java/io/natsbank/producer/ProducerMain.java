package io.natsbank.producer;

import io.natsbank.config.DatabaseOptions;
import io.natsbank.config.FaultOptions;
import io.natsbank.config.HealthOptions;
import io.natsbank.config.NatsOptions;
import io.natsbank.config.ServiceCommand;
import io.natsbank.config.TelemetryOptions;
import io.natsbank.config.TuningOptions;
import io.natsbank.runtime.HealthServer;
import io.natsbank.telemetry.Telemetry;
import io.natsbank.transport.NatsSettings;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "producer", mixinStandardHelpOptions = true, version = "nats-bank producer 0.1",
    sortOptions = false, usageHelpWidth = 110,
    description = {
        "A submitting bank: takes transfer requests on NATS (<prefix>.api.<name>.submit and .status), debits the",
        "payer, posts each transfer to its consumer (<prefix>.postings.<consumer>), re-sends until answered,",
        "applies the answer once (OK keeps the debit, REJECTED refunds) and confirms it.",
        "Every option can also be set by the environment variable named in its description; a flag wins.",
        "Run several processes with the same --name to share the load; they share one database."})
public final class ProducerMain implements Callable<Integer> {
  @Option(names = "--name", defaultValue = "${env:NATSBANK_NAME}",
      description = "This producer's participant name (env NATSBANK_NAME, required).")
  String name;

  @Option(names = "--consumers", defaultValue = "${env:NATSBANK_CONSUMERS}",
      description = "Consumers this producer may post to, comma-separated (env NATSBANK_CONSUMERS, required).")
  String consumers;

  @Option(names = "--acked-resend-millis", defaultValue = "${env:NATSBANK_ACKED_RESEND_MILLIS:-30000}",
      description = "Re-send period once a consumer has ACKed (env NATSBANK_ACKED_RESEND_MILLIS, default ${DEFAULT-VALUE}).")
  long ackedResendMillis;

  @Option(names = "--unfinished-max", defaultValue = "${env:NATSBANK_UNFINISHED_MAX:-2000}",
      description = "Unfinished transfers (sent, no final outcome yet) this producer keeps at most, all its "
          + "instances together; a submit beyond it is answered BUSY at once, so that submitters slow down before "
          + "transfers take longer than the first re-send delay and re-sends multiply the work of an overloaded "
          + "system. Within 1..1000000 (env NATSBANK_UNFINISHED_MAX, default ${DEFAULT-VALUE}: under a second of "
          + "work).")
  int unfinishedMax;

  @Mixin NatsOptions nats;
  @Mixin DatabaseOptions database;
  @Mixin TuningOptions tuning;
  @Mixin FaultOptions faults;
  @Mixin HealthOptions health;
  @Mixin TelemetryOptions telemetryOptions;

  ProducerConfig config() {
    String self = ServiceCommand.required(name, "--name", "NATSBANK_NAME");
    return new ProducerConfig(self,
        ServiceCommand.list(ServiceCommand.required(consumers, "--consumers", "NATSBANK_CONSUMERS")),
        tuning.framed(NatsSettings.of(nats.url, "producer-" + self)), nats.subjects(),
        database.settings(self), faults.settings(), tuning.tuning(), ackedResendMillis, unfinishedMax);
  }

  @Override
  public Integer call() {
    ProducerConfig config;
    Optional<HealthServer.Settings> healthSettings;
    Telemetry.Settings telemetrySettings;
    try {
      config = config();
      healthSettings = health.settings();
      telemetrySettings = telemetryOptions.settings();
      ServiceCommand.requireKnownLogFormat(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("producer: " + e.getMessage());
      return ServiceCommand.EXIT_BAD_CONFIGURATION;
    }
    Telemetry telemetry = Telemetry.start("producer", config.name(), telemetrySettings);
    AutoCloseable running;
    try {
      running = HealthServer.serve(healthSettings, "producer " + config.name(),
          () -> ProducerService.start(config, telemetry), ProducerService::healthChecks, telemetry::scrape);
    } catch (RuntimeException e) {
      telemetry.close();
      throw e;
    }
    AutoCloseable runningThenTelemetry = () -> {
      try (telemetry) {
        running.close();
      }
    };
    return ServiceCommand.runUntilStopped(runningThenTelemetry, "producer " + config.name());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProducerMain()).execute(args));
  }
}

package io.natsbank.consumer;

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

@Command(name = "consumer", mixinStandardHelpOptions = true, version = "nats-bank consumer 0.1",
    sortOptions = false, usageHelpWidth = 110,
    description = {
        "A beneficiary bank: takes postings and confirms on <prefix>.postings.<name>, decides each posting once",
        "(credit the payee, or REJECTED with a cause: unknown account, closed, over the limit, other currency),",
        "answers on <prefix>.results.<producer> and re-sends the answer until the producer confirms it.",
        "Every option can also be set by the environment variable named in its description; a flag wins.",
        "Run several processes with the same --name to share the load; they share one database."})
public final class ConsumerMain implements Callable<Integer> {
  @Option(names = "--name", defaultValue = "${env:NATSBANK_NAME}",
      description = "This consumer's participant name (env NATSBANK_NAME, required).")
  String name;

  @Option(names = "--producers", defaultValue = "${env:NATSBANK_PRODUCERS}",
      description = "Producers this consumer serves, comma-separated; empty = any (env NATSBANK_PRODUCERS).")
  String producers;

  @Mixin NatsOptions nats;
  @Mixin DatabaseOptions database;
  @Mixin TuningOptions tuning;
  @Mixin FaultOptions faults;
  @Mixin HealthOptions health;
  @Mixin TelemetryOptions telemetryOptions;

  ConsumerConfig config() {
    String self = ServiceCommand.required(name, "--name", "NATSBANK_NAME");
    return new ConsumerConfig(self, ServiceCommand.list(producers),
        tuning.framed(NatsSettings.of(nats.url, "consumer-" + self)), nats.subjects(),
        database.settings(self), faults.settings(), tuning.tuning());
  }

  @Override
  public Integer call() {
    ConsumerConfig config;
    Optional<HealthServer.Settings> healthSettings;
    Telemetry.Settings telemetrySettings;
    try {
      config = config();
      healthSettings = health.settings();
      telemetrySettings = telemetryOptions.settings();
      ServiceCommand.requireKnownLogFormat(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("consumer: " + e.getMessage());
      return ServiceCommand.EXIT_BAD_CONFIGURATION;
    }
    Telemetry telemetry = Telemetry.start("consumer", config.name(), telemetrySettings);
    AutoCloseable running;
    try {
      running = HealthServer.serve(healthSettings, "consumer " + config.name(),
          () -> ConsumerService.start(config, telemetry), ConsumerService::healthChecks, telemetry::scrape);
    } catch (RuntimeException e) {
      telemetry.close();
      throw e;
    }
    AutoCloseable runningThenTelemetry = () -> {
      try (telemetry) {
        running.close();
      }
    };
    return ServiceCommand.runUntilStopped(runningThenTelemetry, "consumer " + config.name());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConsumerMain()).execute(args));
  }
}

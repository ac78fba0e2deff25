package io.natsbank.injector;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.config.NatsOptions;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.transport.NatsTransport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fire", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Submits transfers to the producers over NATS (request/reply), producers in turn, consumers and accounts "
            + "at random from the seed, with client-chosen time-ordered ids (UUID v7).",
        "Each transfer is recorded in the injector's database before it is sent and marked acknowledged when a "
            + "producer accepts it; the audit relies on that record. Unanswered or BUSY requests are sent again "
            + "with the same id. Ends with 'fire: submitted=N accepted=N refused=N failed=N ok=N rejected=N "
            + "pending=N rate_per_s=N'; exits 1 if any transfer failed to be submitted or was refused."})
final class FireCommand implements Callable<Integer> {
  @Mixin NatsOptions nats;
  @Mixin NatsConnect natsConnect;
  @Mixin ParticipantOptions participants;
  @Mixin DatabaseTemplateOptions database;

  @Option(names = "--transfers", paramLabel = "N", defaultValue = "${env:NATSBANK_TRANSFERS:-1000}",
      description = "How many transfers to submit (env NATSBANK_TRANSFERS, default ${DEFAULT-VALUE}).")
  long transfers;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "${env:NATSBANK_CONCURRENCY:-256}",
      description = "Requests in flight at most (env NATSBANK_CONCURRENCY, default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "${env:NATSBANK_SEED:-random}",
      description = "Seed of the random choices, a long; 'random' picks one and prints it (env NATSBANK_SEED, "
          + "default ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--mix", paramLabel = "KIND=WEIGHT,..", defaultValue = "${env:NATSBANK_MIX:-" + TransferMix.DEFAULT + "}",
      description = "Weights of the kinds of transfers: normal, unknown-payee (<consumer>-9999), insufficient-funds "
          + "(--overdraft-amount); closed and capped payees are hit by normal ones (env NATSBANK_MIX, "
          + "default ${DEFAULT-VALUE}).")
  String mix;

  @Option(names = "--accounts", paramLabel = "N", defaultValue = "${env:NATSBANK_ACCOUNTS:-100}",
      description = "Accounts per participant, as seeded by setup (env NATSBANK_ACCOUNTS, default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--amount-min", paramLabel = "AMOUNT", defaultValue = "${env:NATSBANK_AMOUNT_MIN:-0.01}",
      description = "Smallest normal amount (env NATSBANK_AMOUNT_MIN, default ${DEFAULT-VALUE}).")
  String amountMin;

  @Option(names = "--amount-max", paramLabel = "AMOUNT", defaultValue = "${env:NATSBANK_AMOUNT_MAX:-20.00}",
      description = "Largest normal amount (env NATSBANK_AMOUNT_MAX, default ${DEFAULT-VALUE}).")
  String amountMax;

  @Option(names = "--overdraft-amount", paramLabel = "AMOUNT",
      defaultValue = "${env:NATSBANK_OVERDRAFT_AMOUNT:-1000000000.00}",
      description = "Amount of insufficient-funds transfers, above any balance (env NATSBANK_OVERDRAFT_AMOUNT, "
          + "default ${DEFAULT-VALUE}).")
  String overdraftAmount;

  @Option(names = "--currency", paramLabel = "CODE", defaultValue = "${env:NATSBANK_CURRENCY:-EUR}",
      description = "Currency of the transfers (env NATSBANK_CURRENCY, default ${DEFAULT-VALUE}).")
  String currency;

  @Option(names = "--request-timeout-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_REQUEST_TIMEOUT_MILLIS:-5000}",
      description = "How long to wait for a producer's reply before sending again (env NATSBANK_REQUEST_TIMEOUT_MILLIS,"
          + " default ${DEFAULT-VALUE}).")
  long requestTimeoutMillis;

  @Option(names = "--attempts-max", paramLabel = "N", defaultValue = "${env:NATSBANK_ATTEMPTS_MAX:-20}",
      description = "Attempts per transfer before it counts as failed (env NATSBANK_ATTEMPTS_MAX, "
          + "default ${DEFAULT-VALUE}).")
  int attemptsMax;

  @Option(names = "--retry-backoff-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_RETRY_BACKOFF_MILLIS:-100}",
      description = "First pause before a re-send, doubling each time (env NATSBANK_RETRY_BACKOFF_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  long retryBackoffMillis;

  @Option(names = "--retry-backoff-max-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_RETRY_BACKOFF_MAX_MILLIS:-5000}",
      description = "Longest pause before a re-send (env NATSBANK_RETRY_BACKOFF_MAX_MILLIS, default ${DEFAULT-VALUE}).")
  long retryBackoffMaxMillis;

  @Option(names = "--wait-seconds", paramLabel = "SECONDS", defaultValue = "${env:NATSBANK_WAIT_SECONDS:-0}",
      description = "After submitting, ask the producers about pending transfers for at most this long, so the "
          + "summary shows more final outcomes (env NATSBANK_WAIT_SECONDS, default ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Option(names = "--progress", defaultValue = "${env:NATSBANK_PROGRESS:-false}",
      description = "Show the progress line on stderr even when it is not a terminal (env NATSBANK_PROGRESS, "
          + "default ${DEFAULT-VALUE}: only on a terminal).")
  boolean progress;

  @Override
  public Integer call() throws Exception {
    List<String> producers = participants.producers();
    List<String> consumers = participants.consumers();
    Participants.requireDistinct(producers, consumers);
    Currency code = Currency.parse(currency);
    TransferPlanner.Settings plan = new TransferPlanner.Settings(producers, consumers, accounts,
        TransferMix.parse(mix), Money.parsePositive(amountMin, code), Money.parsePositive(amountMax, code),
        Money.parsePositive(overdraftAmount, code));
    FireSettings settings = new FireSettings(concurrency, Duration.ofMillis(requestTimeoutMillis), attemptsMax,
        retryBackoffMillis, retryBackoffMaxMillis, Duration.ofSeconds(waitSeconds));
    if (transfers < 0) {
      throw new IllegalArgumentException("--transfers must not be negative");
    }
    long seedValue = "random".equals(seed) ? new SecureRandom().nextLong() : parseSeed(seed);
    System.err.println("fire: seed=" + seedValue + " transfers=" + transfers + " producers=" + producers
        + " consumers=" + consumers + " mix=" + mix);
    try (HikariDataSource injectorDatabase = openInjectorDatabase();
        NatsTransport transport = natsConnect.connect(nats.url, "injector-fire")) {
      long runId = PgSubmissionLog.startRun(injectorDatabase, transfers, seedValue, mix);
      try (PgSubmissionLog log = new PgSubmissionLog(injectorDatabase, runId)) {
        Firer firer = new Firer(new ProducerApi(transport, nats.subjects()), log, settings);
        FireResult result;
        try (AutoCloseable bar = ProgressBar.start(progress || ProgressBar.stderrIsTerminal(), System.err,
            transfers, firer)) {
          result = firer.fire(transfers, new TransferPlanner(plan, seedValue, UuidV7.create()::next));
        }
        log.finishRun(result.summaryLine());
        if (result.lastFailure() != null) {
          System.err.println("fire: last problem: " + result.lastFailure());
        }
        System.out.println(result.summaryLine());
        return result.failed() == 0 && result.refused() == 0 ? InjectorMain.EXIT_OK : InjectorMain.EXIT_FAILED;
      }
    }
  }

  /** Opens the injector's own database and migrates it, waiting out a server that is restarting. */
  private HikariDataSource openInjectorDatabase() {
    return PgSubmissionLog.whenReachable("opening the injector database", PgSubmissionLog.WRITE_PATIENCE_DEFAULT,
        () -> {
          HikariDataSource pool = database.databases().openInjector();
          try {
            Setup.migrateInjector(pool);
            return pool;
          } catch (RuntimeException e) {
            pool.close();
            throw e;
          }
        });
  }

  private static long parseSeed(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seed must be a long integer or 'random', got '" + text + "'");
    }
  }
}

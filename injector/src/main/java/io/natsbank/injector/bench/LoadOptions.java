package io.natsbank.injector.bench;

import io.natsbank.config.NatsOptions;
import io.natsbank.injector.DatabaseTemplateOptions;
import io.natsbank.injector.ParticipantOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What both bench loops take: where the system is, what to send, how long, where the figures go. */
public final class LoadOptions {
  @Mixin NatsOptions nats;
  @Mixin ParticipantOptions participants;
  @Mixin DatabaseTemplateOptions database;

  @Option(names = "--label", paramLabel = "TEXT", defaultValue = "${env:NATSBANK_BENCH_LABEL:-bench}",
      description = "Name of this phase in the report (env NATSBANK_BENCH_LABEL, default ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--duration-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:NATSBANK_BENCH_DURATION_SECONDS:-60}",
      description = "Length of the measured window (env NATSBANK_BENCH_DURATION_SECONDS, default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = "--warmup-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:NATSBANK_BENCH_WARMUP_SECONDS:-10}",
      description = "Load before the window opens, not measured: JIT, pools and caches warm up (env "
          + "NATSBANK_BENCH_WARMUP_SECONDS, default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--drain-seconds", paramLabel = "SECONDS", defaultValue = "${env:NATSBANK_BENCH_DRAIN_SECONDS:-120}",
      description = "After the window, wait at most this long for the transfers in flight to finish and for the "
          + "system to be quiet (env NATSBANK_BENCH_DRAIN_SECONDS, default ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--stats-settle-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:NATSBANK_BENCH_STATS_SETTLE_SECONDS:-11}",
      description = "Once quiet, wait this long before reading the commit counters: an idle PostgreSQL backend "
          + "reports its statistics up to 10 s late (env NATSBANK_BENCH_STATS_SETTLE_SECONDS, "
          + "default ${DEFAULT-VALUE}).")
  int statsSettleSeconds;

  @Option(names = "--accounts", paramLabel = "N", defaultValue = "${env:NATSBANK_ACCOUNTS:-1000}",
      description = "Accounts per participant, as seeded by setup (env NATSBANK_ACCOUNTS, default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--mix", paramLabel = "KIND=WEIGHT,..", defaultValue = "${env:NATSBANK_BENCH_MIX:-normal=97,unknown-payee=3}",
      description = "Kinds of transfers. The default leaves out insufficient-funds: those are rejected at the "
          + "producer without any message, which would flatter the messages per transfer (env "
          + "NATSBANK_BENCH_MIX, default ${DEFAULT-VALUE}).")
  String mix;

  @Option(names = "--amount-min", paramLabel = "AMOUNT", defaultValue = "${env:NATSBANK_AMOUNT_MIN:-0.01}",
      description = "Smallest amount (env NATSBANK_AMOUNT_MIN, default ${DEFAULT-VALUE}).")
  String amountMin;

  @Option(names = "--amount-max", paramLabel = "AMOUNT", defaultValue = "${env:NATSBANK_AMOUNT_MAX:-20.00}",
      description = "Largest amount (env NATSBANK_AMOUNT_MAX, default ${DEFAULT-VALUE}).")
  String amountMax;

  @Option(names = "--currency", paramLabel = "CODE", defaultValue = "${env:NATSBANK_CURRENCY:-EUR}",
      description = "Currency of the transfers (env NATSBANK_CURRENCY, default ${DEFAULT-VALUE}).")
  String currency;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "${env:NATSBANK_SEED:-1}",
      description = "Seed of the random choices (env NATSBANK_SEED, default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--request-timeout-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_REQUEST_TIMEOUT_MILLIS:-5000}",
      description = "How long to wait for a producer's reply before sending again, same id (env "
          + "NATSBANK_REQUEST_TIMEOUT_MILLIS, default ${DEFAULT-VALUE}).")
  long requestTimeoutMillis;

  @Option(names = "--attempts-max", paramLabel = "N", defaultValue = "${env:NATSBANK_ATTEMPTS_MAX:-50}",
      description = "Attempts per transfer before it counts as failed (env NATSBANK_ATTEMPTS_MAX, "
          + "default ${DEFAULT-VALUE}).")
  int attemptsMax;

  @Option(names = "--outstanding-submits-max", paramLabel = "N",
      defaultValue = "${env:NATSBANK_BENCH_OUTSTANDING_SUBMITS_MAX:-1000}",
      description = "Submits awaiting their reply at once at most; after a BUSY answer nothing is sent for a pause "
          + "that doubles (10 ms to 500 ms) while the answers stay BUSY: the client paces itself by what the "
          + "producers admit instead of retrying every refused transfer on its own (env "
          + "NATSBANK_BENCH_OUTSTANDING_SUBMITS_MAX, default ${DEFAULT-VALUE}).")
  int outstandingSubmitsMax;

  @Option(names = "--submit-batch-max", paramLabel = "N",
      defaultValue = "${env:NATSBANK_BENCH_SUBMIT_BATCH_MAX:-128}",
      description = "Transfers per submit request at most, 1 to 256: the transfers ready to go at once are sent "
          + "to their producer in one SUBMIT_BATCH, answered by one reply; 1 sends a SUBMIT per transfer (env "
          + "NATSBANK_BENCH_SUBMIT_BATCH_MAX, default ${DEFAULT-VALUE}).")
  int submitBatchMax;

  @Option(names = "--straggler-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:NATSBANK_BENCH_STRAGGLER_SECONDS:-15}",
      description = "Ask the producer about a transfer acknowledged this long ago whose CONFIRM the wiretap has "
          + "not seen (env NATSBANK_BENCH_STRAGGLER_SECONDS, default ${DEFAULT-VALUE}).")
  int stragglerSeconds;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "${env:NATSBANK_BENCH_OUT:-run/bench/phase.json}",
      description = "Where to write the phase's figures, JSON (env NATSBANK_BENCH_OUT, default ${DEFAULT-VALUE}).")
  Path out;
}

package io.natsbank.injector.bench;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.WireCodec.Kind;
import io.natsbank.injector.Auditor;
import io.natsbank.injector.Participants;
import io.natsbank.injector.PgSubmissionLog;
import io.natsbank.injector.ProducerApi;
import io.natsbank.injector.Setup;
import io.natsbank.injector.TransferMix;
import io.natsbank.injector.TransferPlanner;
import io.natsbank.injector.UuidV7;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * One bench phase against running services: load for warm-up + window, drain, wait until the system
 * is quiet, then count. Nothing is read from the participants' databases while the load runs; the
 * wiretap and the driver only listen.
 */
final class BenchPhase {
  private static final double[] CHART_PERCENTILES = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

  private final LoadOptions options;
  private final PrintStream err;

  BenchPhase(LoadOptions options, PrintStream err) {
    this.options = options;
    this.err = err;
  }

  /**
   * Runs the phase; {@code pacerAt} makes the pacer from the phase's start ({@link System#nanoTime()}).
   * Returns the figures, also written to {@code --out}.
   */
  PhaseResult run(String mode, int inFlight, double rate, LongFunction<LoadDriver.Pacer> pacerAt) throws Exception {
    List<String> producers = options.participants.producers();
    List<String> consumers = options.participants.consumers();
    Participants.requireDistinct(producers, consumers);
    if (options.durationSeconds < 1 || options.warmupSeconds < 0 || options.drainSeconds < 0
        || options.statsSettleSeconds < 0 || options.stragglerSeconds < 1) {
      throw new IllegalArgumentException("duration and straggler time must be positive, the other times not negative");
    }
    if (options.submitBatchMax < 1 || options.submitBatchMax > ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX) {
      throw new IllegalArgumentException("--submit-batch-max must be 1 to " + ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX
          + ", got " + options.submitBatchMax);
    }
    Currency code = Currency.parse(options.currency);
    TransferPlanner.Settings plan = new TransferPlanner.Settings(producers, consumers, options.accounts,
        TransferMix.parse(options.mix), Money.parsePositive(options.amountMin, code),
        Money.parsePositive(options.amountMax, code), Money.parsePositive("1000000000.00", code));
    LoadDriver.Settings settings = new LoadDriver.Settings(Duration.ofSeconds(options.warmupSeconds),
        Duration.ofSeconds(options.durationSeconds), Duration.ofSeconds(options.drainSeconds),
        Duration.ofMillis(options.requestTimeoutMillis), options.attemptsMax,
        Duration.ofSeconds(options.stragglerSeconds), options.outstandingSubmitsMax, options.submitBatchMax);
    String loadAtStart = loadAverage();
    long cpuAtStartNanos = processCpuNanos();
    String startedAt = Instant.now().toString();
    try (PhaseDatabases databases = new PhaseDatabases(options.database.databases(), producers, consumers);
        NatsTransport transport = NatsTransport.connect(NatsSettings.of(options.nats.url, "injector-bench"))) {
      Setup.migrateInjector(databases.injector());
      long runId = PgSubmissionLog.startRun(databases.injector(), 0, options.seed, options.mix);
      Map<String, Long> commitsBefore = databases.commits();
      long startMillis = System.currentTimeMillis();
      long startNanos = System.nanoTime();
      PerSecond messagesPerSecond = new PerSecond(startNanos, settings.secondsMax());
      AtomicReference<LoadDriver> driverRef = new AtomicReference<>();
      LoadDriver.Outcome outcome;
      Map<Kind, Long> messages;
      long wiretapDropped;
      long natsMessages;
      boolean quiet;
      double drainSeconds;
      try (PgSubmissionLog log = new PgSubmissionLog(databases.injector(), runId);
          Wiretap wiretap = new Wiretap(options.nats.url, options.nats.subjectPrefix, messagesPerSecond,
              (id, nanos) -> {
                LoadDriver driver = driverRef.get();
                if (driver != null) {
                  driver.onConfirmSeen(id, nanos);
                }
              })) {
        LoadDriver driver = new LoadDriver(new ProducerApi(transport, options.nats.subjects()), log,
            new TransferPlanner(plan, options.seed, transferIds()::next), settings, startNanos);
        driverRef.set(driver);
        err.printf("bench %s: %s loop, warm-up %d s, window %d s%n", options.label, mode, options.warmupSeconds,
            options.durationSeconds);
        outcome = driver.run(pacerAt.apply(startNanos));
        long windowEnd = driver.windowEndNanos();
        Auditor.Activity activity = databases.auditor().waitForQuiet(
            Duration.ofSeconds(options.drainSeconds), Duration.ofSeconds(1), busy -> { });
        quiet = activity.quiet();
        drainSeconds = (System.nanoTime() - windowEnd) / 1e9;
        err.printf("bench %s: %s after %.1f s; letting the statistics settle for %d s%n", options.label,
            quiet ? "quiet" : "still busy (" + activity + ")", drainSeconds, options.statsSettleSeconds);
        Thread.sleep(Duration.ofSeconds(options.statsSettleSeconds));
        messages = wiretap.counts();
        wiretapDropped = wiretap.dropped() + wiretap.unreadable();
        natsMessages = wiretap.natsMessages();
        log.finishRun("bench " + options.label + " " + mode + ": submitted=" + outcome.submitted());
      }
      Map<String, Long> commitsAfter = databases.commits();
      long windowStartMillis = startMillis + options.warmupSeconds * 1000L;
      long windowEndMillis = windowStartMillis + options.durationSeconds * 1000L;
      int seconds = (int) Math.min(settings.secondsMax(), options.warmupSeconds + options.durationSeconds
          + Math.ceil(drainSeconds) + 1);
      long transfers = databases.transfersCreatedSince(startMillis);
      long confirmed = databases.confirmedBetween(windowStartMillis, windowEndMillis);
      long finished = databases.finishedBetween(windowStartMillis, windowEndMillis);
      long[] confirmedPerSecond = databases.confirmedPerSecond(startMillis, seconds);
      PhaseResult result = result(mode, inFlight, rate, startedAt, loadAtStart, outcome, transfers, confirmed,
          finished, messages, natsMessages, wiretapDropped, delta(commitsBefore, commitsAfter), quiet,
          drainSeconds, (processCpuNanos() - cpuAtStartNanos) / 1e9,
          new PhaseResult.Series(trim(outcome.acknowledgedPerSecond(), seconds),
              trim(outcome.finalsPerSecond(), seconds), confirmedPerSecond,
              trim(messagesPerSecond.firstSeconds(seconds), seconds), outcome.latencyPerSecond()));
      result.write(options.out);
      return result;
    }
  }

  private PhaseResult result(String mode, int inFlight, double rate, String startedAt, String loadAtStart,
      LoadDriver.Outcome outcome, long transfers, long confirmed, long finished, Map<Kind, Long> messages,
      long natsMessages, long wiretapDropped, Map<String, Long> commits, boolean quiet, double drainSeconds,
      double cpuSeconds, PhaseResult.Series series) {
    Map<String, Long> messagesByKind = new LinkedHashMap<>();
    messages.forEach((kind, count) -> messagesByKind.put(kind.name(), count));
    long messagesTotal = messages.values().stream().mapToLong(Long::longValue).sum();
    long commitsTotal = commits.values().stream().mapToLong(Long::longValue).sum();
    return new PhaseResult(options.label, mode, startedAt, loadAtStart, loadAverage(), inFlight, rate,
        options.warmupSeconds, options.durationSeconds, outcome.submitted(), outcome.acknowledged(),
        outcome.refused(), outcome.failed(), outcome.busyRetries(), outcome.timeoutRetries(),
        outcome.finalByConfirm(), outcome.finalByReply(), outcome.finalByPoll(), outcome.unfinished(), transfers,
        confirmed, finished, confirmed / (double) options.durationSeconds, finished / (double) options.durationSeconds,
        messagesByKind, messagesTotal, ratio(messagesTotal, transfers), natsMessages,
        ratio(natsMessages, transfers), wiretapDropped, commits, commitsTotal,
        ratio(commitsTotal, transfers), latency(outcome.windowLatencies(), "open".equals(mode)), quiet, drainSeconds,
        cpuSeconds, series, outcome.lastProblem());
  }

  /**
   * Time-ordered ids from a fast generator seeded once from a strong source: ids stay unique (48 bits
   * of milliseconds, a counter, 62 random bits) without a SecureRandom call per transfer.
   */
  private static UuidV7 transferIds() {
    return new UuidV7(System::currentTimeMillis, new SplittableRandom(new SecureRandom().nextLong()));
  }

  static PhaseResult.Latency latency(Histogram micros, boolean fromIntended) {
    List<double[]> points = new ArrayList<>();
    for (double percentile : CHART_PERCENTILES) {
      points.add(new double[] {percentile, millis(micros, percentile)});
    }
    return new PhaseResult.Latency(micros.getTotalCount(), millis(micros, 50), millis(micros, 90),
        millis(micros, 99), millis(micros, 99.9), micros.getMaxValue() / 1000.0, fromIntended, points);
  }

  private static double millis(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : numerator / (double) denominator;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new LinkedHashMap<>();
    after.forEach((database, count) -> delta.put(database, count - before.getOrDefault(database, 0L)));
    return delta;
  }

  private static long[] trim(long[] values, int length) {
    long[] trimmed = new long[length];
    System.arraycopy(values, 0, trimmed, 0, Math.min(length, values.length));
    return trimmed;
  }

  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  /** The 1, 5 and 15 minute load averages of this machine, as the kernel reports them. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}

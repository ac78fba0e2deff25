package io.natsbank.injector.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.injector.InjectorMain;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Merges the phases of one benchmark run (the saturated closed loop, the open loop, the naive closed loop, "
            + "and any others) with pgbench's rate into report.json and bench.png in --out-dir, and prints how the "
            + "open loop's p99 spread over the seconds of its window, then the run's line:",
        "bench: open_seconds=N open_second_p99_min_ms=N open_second_p99_median_ms=N open_second_p99_max_ms=N "
            + "open_seconds_over_100ms=N",
        "bench: transfers_per_s=N pgbench_tps=N ratio=N naive_transfers_per_s=N p50_ms=N p99_ms=N p999_ms=N "
            + "msgs_per_transfer=N commits_per_transfer=N"})
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--saturated", paramLabel = "FILE",
      defaultValue = "${env:NATSBANK_BENCH_SATURATED:-run/bench/saturated.json}",
      description = "The batched services' closed loop, from 'bench closed' (env NATSBANK_BENCH_SATURATED, "
          + "default ${DEFAULT-VALUE}).")
  Path saturated;

  @Option(names = "--open", paramLabel = "FILE", defaultValue = "${env:NATSBANK_BENCH_OPEN:-run/bench/open.json}",
      description = "The open loop at half the saturated rate, from 'bench open' (env NATSBANK_BENCH_OPEN, "
          + "default ${DEFAULT-VALUE}).")
  Path open;

  @Option(names = "--naive", paramLabel = "FILE", defaultValue = "${env:NATSBANK_BENCH_NAIVE:-run/bench/naive.json}",
      description = "The naive path's closed loop, --batch-size-max 1, from 'bench closed' (env NATSBANK_BENCH_NAIVE, "
          + "default ${DEFAULT-VALUE}).")
  Path naive;

  @Option(names = "--phase", paramLabel = "FILE", split = ",", defaultValue = "${env:NATSBANK_BENCH_PHASES:-}",
      description = "Other phases to show, e.g. more instances; comma-separated or repeated (env "
          + "NATSBANK_BENCH_PHASES, default none).")
  List<String> extra = new ArrayList<>();

  @Option(names = "--pgbench-tps", paramLabel = "TPS", defaultValue = "${env:NATSBANK_BENCH_PGBENCH_TPS:-0}",
      description = "pgbench's transactions per second in the same run (env NATSBANK_BENCH_PGBENCH_TPS, "
          + "default ${DEFAULT-VALUE}: no ratio).")
  double pgbenchTps;

  @Option(names = "--pgbench-latency-ms", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_BENCH_PGBENCH_LATENCY_MS:-0}",
      description = "pgbench's average latency (env NATSBANK_BENCH_PGBENCH_LATENCY_MS, default ${DEFAULT-VALUE}).")
  double pgbenchLatencyMillis;

  @Option(names = "--pgbench-settings", paramLabel = "TEXT", defaultValue = "${env:NATSBANK_BENCH_PGBENCH_SETTINGS:-}",
      description = "How pgbench ran, for the report (env NATSBANK_BENCH_PGBENCH_SETTINGS, default empty).")
  String pgbenchSettings;

  @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "${env:NATSBANK_BENCH_OUT_DIR:-run/bench}",
      description = "Where report.json and bench.png go (env NATSBANK_BENCH_OUT_DIR, default ${DEFAULT-VALUE}).")
  Path outDir;

  @Override
  public Integer call() throws Exception {
    PhaseResult batched = PhaseResult.read(saturated);
    PhaseResult openLoop = PhaseResult.read(open);
    PhaseResult naivePath = PhaseResult.read(naive);
    List<PhaseResult> others = new ArrayList<>();
    for (String path : extra) {
      if (!path.isBlank()) {
        others.add(PhaseResult.read(Path.of(path.trim())));
      }
    }
    double ratio = pgbenchTps <= 0 ? 0 : batched.transfersPerSecond() / pgbenchTps;
    String line = String.format(Locale.ROOT,
        "bench: transfers_per_s=%.0f pgbench_tps=%.0f ratio=%.2f naive_transfers_per_s=%.0f p50_ms=%.1f "
            + "p99_ms=%.1f p999_ms=%.1f msgs_per_transfer=%.3f commits_per_transfer=%.3f",
        batched.transfersPerSecond(), pgbenchTps, ratio, naivePath.transfersPerSecond(),
        openLoop.latency().p50Millis(), openLoop.latency().p99Millis(), openLoop.latency().p999Millis(),
        batched.messagesPerTransfer(), batched.commitsPerTransfer());
    SecondsTail seconds = SecondsTail.of(openLoop);
    Files.createDirectories(outDir);
    writeJson(batched, openLoop, naivePath, others, ratio, seconds, line);
    writeChart(batched, openLoop, naivePath, others);
    System.out.println(seconds.line());
    System.out.println(line);
    return InjectorMain.EXIT_OK;
  }

  private void writeJson(PhaseResult batched, PhaseResult openLoop, PhaseResult naivePath, List<PhaseResult> others,
      double ratio, SecondsTail seconds, String line) throws Exception {
    ObjectNode report = PhaseResult.json().createObjectNode();
    report.put("generatedAt", Instant.now().toString());
    report.put("loadAverageAtReport", BenchPhase.loadAverage());
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("line", line);
    ObjectNode figures = report.putObject("figures");
    figures.put("transfersPerSecond", batched.transfersPerSecond());
    figures.put("pgbenchTps", pgbenchTps);
    figures.put("ratio", ratio);
    figures.put("naiveTransfersPerSecond", naivePath.transfersPerSecond());
    figures.put("p50Millis", openLoop.latency().p50Millis());
    figures.put("p99Millis", openLoop.latency().p99Millis());
    figures.put("p999Millis", openLoop.latency().p999Millis());
    figures.put("messagesPerTransfer", batched.messagesPerTransfer());
    figures.put("natsMessagesPerTransfer", batched.natsMessagesPerTransfer());
    figures.put("commitsPerTransfer", batched.commitsPerTransfer());
    figures.putPOJO("openLoopSecondsP99", seconds);
    ObjectNode targets = report.putObject("targetsMet");
    targets.put("transfersPerSecondAtLeast5000", batched.transfersPerSecond() >= 5000);
    targets.put("ratioAtLeast4", ratio >= 4);
    targets.put("p99AtMost100Millis", openLoop.latency().p99Millis() <= SecondsTail.LIMIT_MILLIS);
    targets.put("messagesPerTransferAtMost3.05", batched.messagesPerTransfer() <= 3.05);
    ObjectNode pgbench = report.putObject("pgbench");
    pgbench.put("tps", pgbenchTps);
    pgbench.put("latencyMillis", pgbenchLatencyMillis);
    pgbench.put("settings", pgbenchSettings);
    report.putPOJO("saturated", batched);
    report.putPOJO("open", openLoop);
    report.putPOJO("naive", naivePath);
    report.putPOJO("others", others);
    PhaseResult.json().writeValue(outDir.resolve("report.json").toFile(), report);
  }

  private void writeChart(PhaseResult batched, PhaseResult openLoop, PhaseResult naivePath, List<PhaseResult> others)
      throws Exception {
    List<BenchChart.Line> throughput = new ArrayList<>();
    throughput.add(perSecond(batched, "batched, closed loop", BenchChart.BATCHED));
    throughput.add(perSecond(openLoop, "batched, open loop", BenchChart.OPEN));
    throughput.add(perSecond(naivePath, "naive, closed loop", BenchChart.NAIVE));
    for (PhaseResult other : others) {
      throughput.add(perSecond(other, other.label(), BenchChart.EXTRA));
    }
    double seconds = throughput.stream().mapToDouble(line -> line.xs().length).max().orElse(1);
    throughput.add(new BenchChart.Line(String.format(Locale.ROOT, "pgbench %.0f tps", pgbenchTps),
        BenchChart.PGBENCH, new double[] {0, seconds}, new double[] {pgbenchTps, pgbenchTps}, true));
    double windowStart = batched.warmupSeconds();
    double[] window = {windowStart, windowStart + batched.durationSeconds()};

    List<PhaseResult.SecondLatency> latency = openLoop.series().latency();
    double[] xs = latency.stream().mapToDouble(PhaseResult.SecondLatency::second).toArray();
    List<BenchChart.Line> overTime = List.of(
        new BenchChart.Line("max", new Color(0x8c564b), xs,
            latency.stream().mapToDouble(PhaseResult.SecondLatency::maxMillis).toArray(), false),
        new BenchChart.Line("p99", new Color(0xff7f0e), xs,
            latency.stream().mapToDouble(PhaseResult.SecondLatency::p99Millis).toArray(), false),
        new BenchChart.Line("p50", BenchChart.OPEN, xs,
            latency.stream().mapToDouble(PhaseResult.SecondLatency::p50Millis).toArray(), false),
        new BenchChart.Line("100 ms", BenchChart.PGBENCH, new double[] {0, xs.length == 0 ? 1 : xs[xs.length - 1]},
            new double[] {100, 100}, true));

    List<BenchChart.Line> byPercentile = new ArrayList<>();
    byPercentile.add(percentiles(openLoop, String.format(Locale.ROOT, "open loop %.0f/s", openLoop.rateTargetPerSecond()),
        BenchChart.OPEN));
    byPercentile.add(percentiles(batched, "closed loop, saturated", BenchChart.BATCHED));
    byPercentile.add(percentiles(naivePath, "naive, saturated", BenchChart.NAIVE));

    String heading = String.format(Locale.ROOT,
        "nats-bank benchmark %s  (load average at start %s; %d cores)", batched.startedAt(),
        batched.loadAverageAtStart(), Runtime.getRuntime().availableProcessors());
    BenchChart.write(outDir.resolve("bench.png"), heading, List.of(
        new BenchChart.Panel("Throughput: decisions confirmed at the consumer per second (window between dashed lines)",
            "seconds since the phase started", "transfers / s", throughput, false, false, window),
        new BenchChart.Panel(String.format(Locale.ROOT,
            "Open loop at %.0f/s: latency from intended send to final at the producer, per second",
            openLoop.rateTargetPerSecond()), "seconds since the phase started", "milliseconds (log)", overTime, true,
            false, new double[] {openLoop.warmupSeconds(), openLoop.warmupSeconds() + openLoop.durationSeconds()}),
        new BenchChart.Panel("Latency by percentile over the window (open loop: from the intended send time)",
            "percentile", "milliseconds (log)", byPercentile, true, true, new double[0])));
  }

  private static BenchChart.Line perSecond(PhaseResult phase, String name, Color color) {
    long[] values = phase.series().confirmedAtConsumers();
    double[] xs = new double[values.length];
    double[] ys = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      xs[i] = i;
      ys[i] = values[i];
    }
    return new BenchChart.Line(name, color, xs, ys, false);
  }

  private static BenchChart.Line percentiles(PhaseResult phase, String name, Color color) {
    List<double[]> points = phase.latency().percentiles().stream().filter(point -> point[0] < 100).toList();
    return new BenchChart.Line(name, color, points.stream().mapToDouble(point -> point[0]).toArray(),
        points.stream().mapToDouble(point -> point[1]).toArray(), false);
  }
}

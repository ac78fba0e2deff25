package io.natsbank.injector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.injector.InjectorMain;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class BenchCommandTest {

  @Test
  void everyOptionOfEveryBenchCommandNamesItsEnvironmentVariableAndDefault() {
    CommandLine bench = new CommandLine(new InjectorMain()).getSubcommands().get("bench");
    assertEquals(List.of("closed", "open", "report"), List.copyOf(bench.getSubcommands().keySet()));
    for (CommandLine command : bench.getSubcommands().values()) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        String description = String.join(" ", option.description());
        String name = command.getCommandName() + " " + option.longestName();
        assertTrue(description.contains("env NATSBANK_"), name + ": " + description);
        assertTrue(description.contains("default"), name + ": " + description);
      }
    }
  }

  @Test
  void aClosedLoopLetsANewTransferGoOnlyWhenOneIsDone() throws InterruptedException {
    LoadDriver.Pacer pacer = Pacers.closed(2);
    pacer.next();
    pacer.next();
    Thread third = Thread.ofVirtual().start(() -> {
      try {
        pacer.next();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertFalse(third.join(java.time.Duration.ofMillis(100)), "a third transfer went with two in flight");
    pacer.done();
    assertTrue(third.join(java.time.Duration.ofSeconds(10)), "the third transfer never went");
  }

  @Test
  void anOpenLoopNamesTheScheduledTimeNotTheTimeItGotToSend() throws InterruptedException {
    long start = System.nanoTime() - 10_000_000_000L; // ten seconds behind schedule
    LoadDriver.Pacer pacer = Pacers.open(1000, 10, start, 0);
    assertEquals(start, pacer.next());
    assertEquals(start + 1_000_000, pacer.next());
    assertEquals(start + 2_000_000, pacer.next());
  }

  @Test
  void anOpenLoopOnATickSendsAtTheTickButCountsFromEachIntendedTime() throws InterruptedException {
    long tick = 40_000_000; // 40 ms: wide enough to see on a busy machine
    long start = System.nanoTime();
    LoadDriver.Pacer pacer = Pacers.open(100, 10, start, tick); // one every 10 ms: four per tick
    assertEquals(start, pacer.next(), "the first is due at the start, a tick boundary");
    long intended = pacer.next();
    long sentAt = System.nanoTime();
    assertEquals(start + 10_000_000, intended, "its own intended time, not the tick's");
    assertTrue(sentAt >= start + tick, "but held back to the next tick: " + (sentAt - start) / 1_000_000 + " ms");
    assertEquals(start + 20_000_000, pacer.next());
    assertEquals(start + 30_000_000, pacer.next());
    assertEquals(start + 40_000_000, pacer.next(), "due exactly at a tick: sent with it");
    assertEquals(start + 50_000_000, pacer.next());
    assertTrue(System.nanoTime() >= start + 2 * tick, "one past the tick waits for the next one");
  }

  @Test
  void aNegativeTickIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Pacers.open(100, 10, System.nanoTime(), -1));
  }

  @Test
  void aTransferCompletesOnceWhenAcknowledgedAndFinalInEitherOrder() {
    InFlight confirmedFirst = new InFlight(null, 0, true);
    assertFalse(confirmedFirst.finalAt(5));
    assertTrue(confirmedFirst.acknowledge(3));
    assertFalse(confirmedFirst.finalAt(9));
    assertEquals(5, confirmedFirst.finalNanos());

    InFlight acknowledgedFirst = new InFlight(null, 0, true);
    assertFalse(acknowledgedFirst.acknowledge(3));
    assertTrue(acknowledgedFirst.finalAt(7));
    assertFalse(acknowledgedFirst.abandon());
  }

  @Test
  void countsLandInTheirSecondAndLateOnesInTheLast() {
    PerSecond counts = new PerSecond(1_000, 3);
    counts.add(1_000, 1);
    counts.add(1_000 + 1_500_000_000L, 2);
    counts.add(1_000 + 99_000_000_000L, 4);
    assertEquals(List.of(1L, 2L, 4L), java.util.Arrays.stream(counts.firstSeconds(5)).boxed().toList());
  }

  @Test
  void theReportWritesTheJsonTheChartAndOneLine(@TempDir Path dir) throws Exception {
    phase("saturated", "closed", 6000, 0).write(dir.resolve("saturated.json"));
    phase("open", "open", 3000, 3000).write(dir.resolve("open.json"));
    phase("naive", "closed", 700, 0).write(dir.resolve("naive.json"));
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = InjectorMain.run("bench", "report", "--saturated", dir.resolve("saturated.json").toString(),
          "--open", dir.resolve("open.json").toString(), "--naive", dir.resolve("naive.json").toString(),
          "--pgbench-tps", "1500", "--out-dir", dir.toString());
    } finally {
      System.setOut(stdout);
    }

    assertEquals(0, exit);
    assertEquals(List.of("bench: open_seconds=1 open_second_p99_min_ms=9.0 open_second_p99_median_ms=9.0 "
            + "open_second_p99_max_ms=9.0 open_seconds_over_100ms=0",
        "bench: transfers_per_s=6000 pgbench_tps=1500 ratio=4.00 naive_transfers_per_s=700 p50_ms=2.0 "
            + "p99_ms=9.0 p999_ms=9.0 msgs_per_transfer=3.000 commits_per_transfer=0.020"),
        printed.toString(StandardCharsets.UTF_8).strip().lines().toList());
    String report = Files.readString(dir.resolve("report.json"));
    assertTrue(report.contains("\"ratioAtLeast4\" : true"), report);
    assertTrue(report.contains("\"openLoopSecondsP99\" : {"), report);
    BufferedImage chart = ImageIO.read(dir.resolve("bench.png").toFile());
    assertEquals(BenchChart.WIDTH, chart.getWidth());
  }

  /** Seconds of warm-up, of the drain after the window and without outcomes do not count. */
  @Test
  void theOpenLoopsSecondsAreReadOverItsWindowOnly() {
    List<PhaseResult.SecondLatency> seconds = List.of(
        new PhaseResult.SecondLatency(0, 500, 400.0, 900.0, 950.0),
        new PhaseResult.SecondLatency(1, 500, 20.0, 150.0, 160.0),
        new PhaseResult.SecondLatency(2, 500, 20.0, 50.0, 60.0),
        new PhaseResult.SecondLatency(3, 0, 0.0, 0.0, 0.0),
        new PhaseResult.SecondLatency(4, 500, 20.0, 80.0, 90.0),
        new PhaseResult.SecondLatency(5, 500, 20.0, 120.0, 130.0),
        new PhaseResult.SecondLatency(6, 10, 700.0, 990.0, 990.0));
    assertEquals(new SecondsTail(4, 50.0, 100.0, 150.0, 2), SecondsTail.of(seconds, 1, 5));
    assertEquals(new SecondsTail(3, 50.0, 80.0, 150.0, 1), SecondsTail.of(seconds, 1, 4));
    assertEquals(new SecondsTail(0, 0, 0, 0, 0), SecondsTail.of(seconds, 10, 5));
  }

  private static PhaseResult phase(String label, String mode, long perSecond, double rate) {
    Histogram micros = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < 98; i++) {
      micros.recordValue(2_000);
    }
    micros.recordValue(9_000);
    micros.recordValue(9_000);
    long[] series = {perSecond / 2, perSecond, perSecond, perSecond / 3};
    return new PhaseResult(label, mode, "2026-01-01T00:00:00Z", "0.10 0.20 0.30", "0.40 0.50 0.60", 1000, rate, 1, 2,
        perSecond * 4, perSecond * 4, 0, 0, 0, 0, perSecond * 4, 0, 0, 0, perSecond * 4, perSecond * 2, perSecond * 2,
        perSecond, perSecond, Map.of("POSTING", perSecond * 4, "RESPONSE", perSecond * 4, "CONFIRM", perSecond * 4),
        perSecond * 12, 3.0, perSecond * 4, 1.0, 0, Map.of("natsbank_p1", perSecond * 4 / 50), perSecond * 4 / 50, 0.02,
        BenchPhase.latency(micros, "open".equals(mode)), true, 1.5, 2.0,
        new PhaseResult.Series(series, series, series, series,
            List.of(new PhaseResult.SecondLatency(1, 100, 2.0, 9.0, 9.0))), null);
  }
}

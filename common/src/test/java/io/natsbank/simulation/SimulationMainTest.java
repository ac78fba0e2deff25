package io.natsbank.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** The command line: a range of seeds ends with exactly one summary line; one seed replays with figures. */
class SimulationMainTest {

  private record Run(int exitCode, List<String> lines) {}

  private static Run run(String... args) {
    return run(Simulation.Wiring.REAL, args);
  }

  private static Run run(Simulation.Wiring wiring, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exitCode = new CommandLine(new SimulationMain(out, wiring)).execute(args);
    return new Run(exitCode, bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aRangeOfSeedsEndsWithOneSummaryLine() {
    Run run = run("--seeds", "5", "--first-seed", "100");

    assertEquals(0, run.exitCode());
    assertEquals(1, run.lines().size(), run.lines().toString());
    assertTrue(run.lines().get(0).matches(
        "simulation: seeds=5 violations=0 transfers=\\d+ messages=\\d+ max_settle_ticks=\\d+"), run.lines().get(0));
  }

  @Test
  void oneSeedReplaysWithItsFigures() {
    Run run = run("--seed", "7");

    assertEquals(0, run.exitCode());
    assertTrue(run.lines().get(0).startsWith("seed=7 transfers="), run.lines().get(0));
    Simulation.Result result = Simulation.run(7);
    assertEquals("simulation: seeds=1 violations=0 transfers=" + result.transfers() + " messages=" + result.messages()
        + " max_settle_ticks=" + result.settleTicks(), run.lines().get(run.lines().size() - 1));
  }

  @Test
  void aFailingSeedIsPrintedWithItsViolationsAndFailsTheRun() {
    Run run = run(Simulation.Wiring.REAL.withProducerCores(PlantedBugsTest.SkipsRefund::new), "--seeds", "3",
        "--first-seed", "1");

    assertEquals(1, run.exitCode());
    assertTrue(run.lines().contains("FAILED seed=1 (replay: ./scripts/simulate.sh --seed 1)"), run.lines().toString());
    assertTrue(run.lines().stream().anyMatch(line -> line.startsWith("  audit: transfer ")), run.lines().toString());
    String summary = run.lines().get(run.lines().size() - 1);
    assertTrue(summary.matches("simulation: seeds=3 violations=[1-9]\\d* transfers=\\d+ messages=\\d+ "
        + "max_settle_ticks=\\d+"), summary);
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(2, run("--seeds", "many").exitCode());
    assertEquals(2, run("--seeds", "0").exitCode());
  }
}

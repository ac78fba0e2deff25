package io.natsbank.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One seed, one run: the same seed gives the same result, down to the last committed row. */
class SimulationDeterminismTest {

  @Test
  void theSameSeedGivesTheSameResult() {
    for (long seed = 0; seed < 50; seed++) {
      Simulation.Result first = Simulation.run(seed);
      Simulation.Result again = Simulation.run(seed);
      assertEquals(first, again, "seed " + seed);
    }
  }

  @Test
  void theSameSeedTracesTheSameEventsInTheSameOrder() {
    for (long seed = 100; seed < 110; seed++) {
      List<String> first = new ArrayList<>();
      List<String> again = new ArrayList<>();
      Simulation.Result traced = Simulation.run(seed, Simulation.Wiring.REAL, first::add);
      Simulation.run(seed, Simulation.Wiring.REAL, again::add);

      assertEquals(first, again, "seed " + seed);
      assertTrue(first.size() > 10, "seed " + seed + " traced only " + first.size() + " events");
      assertEquals(Simulation.run(seed), traced, "tracing must not change the run of seed " + seed);
    }
  }

  @Test
  void aSeedRunsTheSameAfterOtherSeedsRan() {
    Simulation.Result alone = Simulation.run(4242);
    for (long seed = 0; seed < 20; seed++) {
      Simulation.run(seed);
    }
    assertEquals(alone, Simulation.run(4242));
  }

  @Test
  void differentSeedsExploreDifferentRuns() {
    Set<Long> fingerprints = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      fingerprints.add(Simulation.run(seed).fingerprint());
    }
    assertTrue(fingerprints.size() >= 45, "only " + fingerprints.size() + " distinct outcomes in 50 seeds");
    assertNotEquals(Simulation.run(1).fingerprint(), Simulation.run(2).fingerprint());
  }

  @Test
  void seedsRunTheFaultsTheyPromise() {
    long faults = 0;
    long crashes = 0;
    long outages = 0;
    for (long seed = 0; seed < 100; seed++) {
      Simulation.Result result = Simulation.run(seed);
      faults += result.faults();
      crashes += result.counters().get("crashes_before_commit") + result.counters().get("crashes_after_commit")
          + result.counters().get("crashes_during_sends");
      outages += result.counters().get("store_failures");
    }
    assertTrue(faults > 1_000, "faults " + faults);
    assertTrue(crashes > 50, "crashes at commit and send points " + crashes);
    assertTrue(outages > 10, "store failures " + outages);
  }
}

package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyGateTest {
  private static final long LIMIT = 500;
  private static final long WINDOW = 250;

  private final LatencyGate gate = new LatencyGate(LIMIT, WINDOW);

  @Test
  void opensWithNothingObserved() {
    assertTrue(gate.isOpen(1_000));
    assertEquals(0, gate.recentMaxMillis(1_000));
  }

  @Test
  void staysOpenWhileTransfersFinishUnderTheLimit() {
    gate.observed(120, 1_000);
    gate.observed(LIMIT - 1, 1_010);
    assertTrue(gate.isOpen(1_020));
    assertEquals(LIMIT - 1, gate.recentMaxMillis(1_020));
  }

  @Test
  void closesOnOneTransferThatTookTheLimitOrLongerWhenItIsAllThereIs() {
    gate.observed(LIMIT, 1_100);
    assertFalse(gate.isOpen(1_100));
    assertFalse(gate.isOpen(1_249), "still the window of the slow transfer");
    assertEquals(100, gate.recentSlowPercent(1_249));
  }

  @Test
  void oneSlowTransferAmongManyFastOnesLeavesItOpen() {
    for (int i = 0; i < 99; i++) {
      gate.observed(40, 1_000 + i);
    }
    gate.observed(3_000, 1_100);
    assertTrue(gate.isOpen(1_100), "1 of 100 slow: one batch that waited, not a queue");
    assertEquals(3_000, gate.recentMaxMillis(1_100));
    assertEquals(1, gate.recentSlowPercent(1_100));
  }

  @Test
  void closesOnceATenthOfRecentTransfersAreSlow() {
    for (int i = 0; i < 90; i++) {
      gate.observed(40, 1_000 + i);
    }
    for (int i = 0; i < 9; i++) {
      gate.observed(LIMIT + i, 1_100 + i);
    }
    assertTrue(gate.isOpen(1_110), "9 of 99");
    gate.observed(LIMIT, 1_120);
    assertEquals(LatencyGate.SLOW_SHARE_PERCENT, gate.recentSlowPercent(1_121));
    assertFalse(gate.isOpen(1_121), "10 of 100");
  }

  @Test
  void theShareCountsTheCurrentAndThePreviousWindowTogether() {
    for (int i = 0; i < 9; i++) {
      gate.observed(LIMIT, 1_000 + i);
    }
    for (int i = 0; i < 100; i++) {
      gate.observed(40, 1_000 + WINDOW + i);
    }
    assertTrue(gate.isOpen(1_000 + WINDOW + 100), "9 slow of 109 over both windows");
    assertTrue(gate.isOpen(1_000 + 2 * WINDOW + 1), "the slow window has passed");
    assertEquals(0, gate.recentSlowPercent(1_000 + 2 * WINDOW + 1));
  }

  @Test
  void aSlowObservationCountsForTheNextWindowToo() {
    gate.observed(900, 1_000);
    assertFalse(gate.isOpen(1_000 + WINDOW + 10), "the previous window still counts");
    assertTrue(gate.isOpen(1_000 + 2 * WINDOW + 10), "two windows later it no longer does");
  }

  @Test
  void fastOutcomesAfterASlowOneReopenItOnlyOnceTheSlowWindowHasPassed() {
    gate.observed(900, 1_000);
    gate.observed(50, 1_000 + WINDOW + 1);
    assertFalse(gate.isOpen(1_000 + WINDOW + 2));
    gate.observed(40, 1_000 + 2 * WINDOW + 1);
    assertTrue(gate.isOpen(1_000 + 2 * WINDOW + 2));
    assertEquals(50, gate.recentMaxMillis(1_000 + 2 * WINDOW + 2));
  }

  @Test
  void reopensWhenNoOutcomeArrivesAtAll() {
    gate.observed(5_000, 1_000);
    assertFalse(gate.isOpen(1_001));
    assertTrue(gate.isOpen(1_000 + 10 * WINDOW), "no evidence left: the count bound is what holds");
  }

  @Test
  void refusesANonPositiveLimitOrWindow() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyGate(0, WINDOW));
    assertThrows(IllegalArgumentException.class, () -> new LatencyGate(LIMIT, 0));
  }
}

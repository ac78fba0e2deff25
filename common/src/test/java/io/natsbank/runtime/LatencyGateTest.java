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
  void closesOnOneTransferThatTookTheLimitOrLonger() {
    gate.observed(80, 1_000);
    gate.observed(LIMIT, 1_100);
    assertFalse(gate.isOpen(1_100));
    assertFalse(gate.isOpen(1_249), "still the window of the slow transfer");
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

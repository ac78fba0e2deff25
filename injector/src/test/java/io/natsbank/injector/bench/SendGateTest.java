package io.natsbank.injector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendGateTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SendGate gate = new SendGate(2, now::get);

  @Test
  void aBusyAnswerPausesEverySendAndAnotherOneAfterThePauseDoublesIt() {
    gate.refused();
    assertTrue(gate.pausedAt(now.get()));
    assertEquals(SendGate.PAUSE_FIRST_NANOS, gate.pauseNanos());

    now.addAndGet(SendGate.PAUSE_FIRST_NANOS);
    assertFalse(gate.pausedAt(now.get()));
    gate.refused();
    assertEquals(2 * SendGate.PAUSE_FIRST_NANOS, gate.pauseNanos());
    assertTrue(gate.pausedAt(now.get() + 2 * SendGate.PAUSE_FIRST_NANOS - 1));
  }

  @Test
  void busyAnswersArrivingDuringAPauseDoNotLengthenIt() {
    gate.refused();
    for (int i = 0; i < 100; i++) {
      gate.refused();
    }
    assertEquals(SendGate.PAUSE_FIRST_NANOS, gate.pauseNanos(), "one burst of answers, one pause");
  }

  @Test
  void thePauseStopsGrowingAtItsMaximumAndAnAcceptanceStartsItAgainFromTheFirst() {
    for (int i = 0; i < 20; i++) {
      gate.refused();
      now.addAndGet(gate.pauseNanos());
    }
    assertEquals(SendGate.PAUSE_MAX_NANOS, gate.pauseNanos());

    gate.accepted();
    gate.refused();
    assertEquals(SendGate.PAUSE_FIRST_NANOS, gate.pauseNanos());
  }

  @Test
  void noMoreThanTheMaximumOfSubmitsAreOutstanding() throws InterruptedException {
    gate.acquire();
    gate.acquire();
    Thread third = Thread.ofVirtual().start(() -> {
      try {
        gate.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertFalse(third.join(Duration.ofMillis(100)), "a third submit went with two outstanding");
    gate.release();
    assertTrue(third.join(Duration.ofSeconds(10)), "the third submit never went");
    assertEquals(0, gate.submitsAvailable());
  }

  @Test
  void aSendWaitsOutThePause() throws InterruptedException {
    SendGate realTime = new SendGate(1, System::nanoTime);
    realTime.refused();
    long before = System.nanoTime();
    realTime.acquire();
    assertTrue(System.nanoTime() - before >= SendGate.PAUSE_FIRST_NANOS / 2, "the send did not wait");
  }

  @Test
  void atLeastOneSubmitMayBeOutstanding() {
    assertThrows(IllegalArgumentException.class, () -> new SendGate(0, now::get));
  }
}

package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The unfinished-transfer bound of a producer's submits, without a producer. */
class AdmissionTest {

  @Test
  void admitsUpToTheLimitThenRefuses() {
    Admission admission = new Admission(3, 0);

    assertTrue(admission.tryAdmit());
    assertTrue(admission.tryAdmit());
    assertTrue(admission.tryAdmit());
    assertFalse(admission.tryAdmit(), "three admitted and undecided already fill a limit of three");
    assertEquals(3, admission.estimate());
  }

  @Test
  void startsFromTheStoresCount() {
    Admission admission = new Admission(10, 9);

    assertTrue(admission.tryAdmit());
    assertFalse(admission.tryAdmit());
    assertFalse(new Admission(10, 10).tryAdmit(), "a producer restarted at its limit refuses at once");
    assertFalse(new Admission(10, 50).tryAdmit(), "and above it");
  }

  @Test
  void acceptedSubmitsStayCountedAndTheOthersGiveTheirRoomBack() {
    Admission admission = new Admission(4, 0);
    for (int i = 0; i < 4; i++) {
      assertTrue(admission.tryAdmit());
    }

    admission.settled(4, 1); // one accepted; a duplicate, a refusal and a failed batch free their room

    assertEquals(1, admission.estimate());
    assertTrue(admission.tryAdmit());
    assertTrue(admission.tryAdmit());
    assertTrue(admission.tryAdmit());
    assertFalse(admission.tryAdmit());
  }

  @Test
  void finishingFreesRoom() {
    Admission admission = new Admission(2, 0);
    admission.tryAdmit();
    admission.tryAdmit();
    admission.settled(2, 2);
    assertFalse(admission.tryAdmit());

    admission.finished(1);

    assertEquals(1, admission.estimate());
    assertTrue(admission.tryAdmit());
    assertFalse(admission.tryAdmit());
  }

  @Test
  void finishingMoreThanItKnowsOfNeverGoesBelowZero() {
    Admission admission = new Admission(2, 1);

    admission.finished(5); // another instance accepted them; this one applied their outcomes

    assertEquals(0, admission.estimate());
    assertTrue(admission.tryAdmit());
    assertTrue(admission.tryAdmit());
    assertFalse(admission.tryAdmit());
  }

  @Test
  void aRefreshReplacesTheEstimateButKeepsWhatIsAdmittedAndUndecided() {
    Admission admission = new Admission(100, 0);
    for (int i = 0; i < 10; i++) {
      admission.tryAdmit();
    }
    admission.settled(10, 10);
    admission.finished(2);
    admission.tryAdmit(); // in a batch, not yet decided
    assertEquals(9, admission.estimate());

    admission.refreshed(admission.refreshing(), 40); // the other instances accepted more meanwhile

    assertEquals(41, admission.estimate());
    admission.refreshed(admission.refreshing(), 0);
    assertEquals(1, admission.estimate());
  }

  @Test
  void aRefreshAtTheLimitRefusesAndABelowTheLimitOneAdmitsAgain() {
    Admission admission = new Admission(5, 0);

    admission.refreshed(admission.refreshing(), 5);
    assertFalse(admission.tryAdmit());

    admission.refreshed(admission.refreshing(), 4);
    assertTrue(admission.tryAdmit());
  }

  @Test
  void whatIsAcceptedWhileTheCountIsReadIsNotLost() {
    Admission admission = new Admission(100, 0);
    Admission.Refresh refresh = admission.refreshing();
    admission.tryAdmit();
    admission.tryAdmit();
    admission.settled(2, 2); // committed after the count's snapshot: not in the count read below

    admission.refreshed(refresh, 7);

    assertEquals(9, admission.estimate());
  }

  @Test
  void settlingMoreThanWasAdmittedIsAProgrammingError() {
    Admission admission = new Admission(5, 0);
    admission.tryAdmit();

    assertThrows(IllegalStateException.class, () -> admission.settled(2, 0));
    assertThrows(IllegalArgumentException.class, () -> admission.settled(1, 2));
    assertThrows(IllegalArgumentException.class, () -> admission.finished(-1));
    assertThrows(IllegalArgumentException.class, () -> admission.refreshed(admission.refreshing(), -1));
    assertThrows(IllegalArgumentException.class, () -> new Admission(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Admission(5, -1));
    assertEquals(1, admission.estimate(), "a refused call changes nothing");
  }

  @Test
  void manyThreadsNeverAdmitPastTheLimitAndEndWhereTheArithmeticSays() throws Exception {
    int limit = 50;
    int threads = 8;
    int roundsPerThread = 20_000;
    Admission admission = new Admission(limit, 0);
    AtomicInteger undecided = new AtomicInteger();
    AtomicInteger highest = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    runAtOnce(threads, () -> {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int round = 0; round < roundsPerThread; round++) {
        if (admission.tryAdmit()) {
          highest.accumulateAndGet(undecided.incrementAndGet(), Math::max);
          undecided.decrementAndGet();
          boolean accept = random.nextBoolean();
          admission.settled(1, accept ? 1 : 0);
          if (accept) {
            accepted.incrementAndGet();
            admission.finished(1); // finished at once: only the undecided ones hold room
            finished.incrementAndGet();
          }
        }
      }
    });

    assertTrue(highest.get() <= limit, "at most " + limit + " admitted at once, saw " + highest.get());
    assertEquals(0, admission.estimate(), "everything admitted was settled and every accepted one finished");
    assertTrue(accepted.get() > 0);
    assertEquals(accepted.get(), finished.get());
    for (int i = 0; i < limit; i++) {
      assertTrue(admission.tryAdmit(), "all the room is back");
    }
    assertFalse(admission.tryAdmit());
  }

  @Test
  void concurrentAdmissionsAtTheLimitAdmitExactlyTheRoomLeft() throws Exception {
    Admission admission = new Admission(1_000, 900);
    int threads = 8;
    AtomicInteger admitted = new AtomicInteger();
    runAtOnce(threads, () -> {
      for (int i = 0; i < 1_000; i++) {
        if (admission.tryAdmit()) {
          admitted.incrementAndGet();
        }
      }
    });

    assertEquals(100, admitted.get());
    assertEquals(1_000, admission.estimate());
  }

  /** Runs {@code body} on {@code threads} threads released at the same moment; rethrows the first failure. */
  private static void runAtOnce(int threads, Runnable body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        runs.add(pool.submit(() -> {
          start.await();
          body.run();
          return null;
        }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

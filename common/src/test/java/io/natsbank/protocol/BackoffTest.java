package io.natsbank.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final int SEEDS = 500;

  private static void assertWithin(long lowest, long highest, long actual, String what) {
    assertTrue(actual >= lowest && actual <= highest,
        what + ": " + actual + " is outside [" + lowest + ", " + highest + "]");
  }

  @Test
  void eachAttemptWaitsBetweenHalfAndAllOfItsBase() {
    Backoff backoff = new Backoff(100, 1_000_000);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long baseMillis = 100L << (attempt - 1);
      for (long seed = 0; seed < SEEDS; seed++) {
        assertWithin(baseMillis / 2, baseMillis, backoff.delayMillis(attempt, new SplittableRandom(seed)),
            "attempt " + attempt + " seed " + seed);
      }
    }
  }

  @Test
  void jitterSpreadsOverTheWholeWindow() {
    Backoff backoff = new Backoff(1_000, 1_000);
    SplittableRandom random = new SplittableRandom(7);
    long lowest = Long.MAX_VALUE;
    long highest = Long.MIN_VALUE;
    for (int i = 0; i < 2_000; i++) {
      long delayMillis = backoff.delayMillis(1, random);
      lowest = Math.min(lowest, delayMillis);
      highest = Math.max(highest, delayMillis);
    }
    assertWithin(500, 520, lowest, "lowest of 2000 delays");
    assertWithin(980, 1_000, highest, "highest of 2000 delays");
  }

  @Test
  void extremeRandomValuesStayWithinTheWindow() {
    RandomGenerator alwaysZero = () -> 0L;
    RandomGenerator almostOne = new RandomGenerator() {
      @Override
      public long nextLong() {
        return -1L;
      }

      @Override
      public double nextDouble() {
        return Math.nextDown(1.0);
      }
    };
    Backoff backoff = new Backoff(100, 10_000);

    assertEquals(50, backoff.delayMillis(1, alwaysZero));
    assertWithin(99, 100, backoff.delayMillis(1, almostOne), "largest first delay");
    assertEquals(5_000, backoff.delayMillis(40, alwaysZero));
    assertWithin(9_999, 10_000, backoff.delayMillis(40, almostOne), "largest capped delay");
  }

  @Test
  void delayIsCappedAtTheMaximum() {
    Backoff backoff = new Backoff(100, 3_000);
    for (int attempt = 6; attempt <= 64; attempt++) {
      for (long seed = 0; seed < 50; seed++) {
        assertWithin(1_500, 3_000, backoff.delayMillis(attempt, new SplittableRandom(seed)), "attempt " + attempt);
      }
    }
  }

  @Test
  void hugeAttemptNumbersDoNotOverflow() {
    Backoff backoff = new Backoff(1_000, 60_000);
    for (int attempt : new int[] {31, 32, 63, 64, 65, 1_000_000, Integer.MAX_VALUE}) {
      assertWithin(30_000, 60_000, backoff.delayMillis(attempt, new SplittableRandom(attempt)), "attempt " + attempt);
    }
  }

  @Test
  void hugeInitialDelaysDoNotOverflow() {
    Backoff backoff = new Backoff(1L << 40, Long.MAX_VALUE);
    for (int attempt : new int[] {1, 2, 20, 23, 24, 31, 40, Integer.MAX_VALUE}) {
      long expectedBaseMillis = attempt <= 23 ? (1L << 40) << (attempt - 1) : Long.MAX_VALUE;
      assertWithin(expectedBaseMillis / 2, expectedBaseMillis,
          backoff.delayMillis(attempt, new SplittableRandom(attempt)), "attempt " + attempt);
    }
  }

  @Test
  void attemptsBelowOneAreTreatedAsTheFirst() {
    Backoff backoff = new Backoff(100, 10_000);
    for (int attempt : new int[] {0, -1, Integer.MIN_VALUE}) {
      assertWithin(50, 100, backoff.delayMillis(attempt, new SplittableRandom(3)), "attempt " + attempt);
    }
  }

  @Test
  void delayIsNeverBelowOneMillisecond() {
    Backoff backoff = new Backoff(1, 1);
    for (long seed = 0; seed < 100; seed++) {
      assertEquals(1, backoff.delayMillis(1, new SplittableRandom(seed)));
    }
  }

  @Test
  void sameSeedGivesTheSameDelays() {
    Backoff backoff = new Backoff(100, 10_000);
    SplittableRandom first = new SplittableRandom(99);
    SplittableRandom second = new SplittableRandom(99);
    for (int attempt = 1; attempt <= 20; attempt++) {
      assertEquals(backoff.delayMillis(attempt, first), backoff.delayMillis(attempt, second));
    }
  }

  @Test
  void initialMustBePositiveAndNotAboveTheMaximum() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 100));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(-5, 100));
    IllegalArgumentException inverted = assertThrows(IllegalArgumentException.class, () -> new Backoff(200, 100));
    assertTrue(inverted.getMessage().contains("200") && inverted.getMessage().contains("100"), inverted.getMessage());
    assertEquals(new Backoff(100, 100), new Backoff(100, 100));
  }
}

package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UuidV7Test {
  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @Test
  void carriesVersionSevenTheRfcVariantAndTheClockMilliseconds() {
    UuidV7 generator = new UuidV7(() -> NOW, new SplittableRandom(1));
    for (int i = 0; i < 1_000; i++) {
      UUID id = generator.next();
      assertEquals(7, id.version(), id.toString());
      assertEquals(2, id.variant(), id.toString());
      assertEquals(NOW, UuidV7.timestampMillis(id), id.toString());
    }
  }

  @Test
  void idsStrictlyIncreaseWithinOneMillisecondBeyondTheCounterAndWhenTheClockGoesBack() {
    AtomicLong clock = new AtomicLong(NOW);
    UuidV7 generator = new UuidV7(clock::get, new SplittableRandom(2));
    UUID previous = generator.next();
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) { // far more than the 4096 values of the counter in one millisecond
      if (i == 15_000) {
        clock.set(NOW - 60_000); // the clock steps back a minute
      }
      UUID id = generator.next();
      assertTrue(UuidV7.ORDER.compare(previous, id) < 0, previous + " then " + id);
      assertTrue(seen.add(id));
      previous = id;
    }
  }

  @Test
  void idsFollowTheClock() {
    AtomicLong clock = new AtomicLong(NOW);
    UuidV7 generator = new UuidV7(clock::get, new SplittableRandom(3));
    UUID early = generator.next();
    clock.addAndGet(1);
    UUID later = generator.next();
    assertEquals(NOW + 1, UuidV7.timestampMillis(later));
    assertTrue(UuidV7.ORDER.compare(early, later) < 0);
  }

  @Test
  void orderIsTheByteOrderPostgresqlSortsUuidsBy() {
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 10_000; i++) {
      UUID a = new UUID(random.nextLong(), random.nextLong());
      UUID b = new UUID(random.nextLong(), random.nextLong());
      // the canonical text is the bytes in hex: its order is the unsigned byte order
      assertEquals(Integer.signum(a.toString().compareTo(b.toString())), Integer.signum(UuidV7.ORDER.compare(a, b)),
          a + " vs " + b);
    }
  }

  @Test
  void systemGeneratorMakesTimeOrderedIdsNearNow() {
    UuidV7 generator = UuidV7.create();
    long before = System.currentTimeMillis();
    UUID first = generator.next();
    UUID second = generator.next();
    long after = System.currentTimeMillis();
    assertTrue(UuidV7.timestampMillis(first) >= before && UuidV7.timestampMillis(second) <= after + 1);
    assertTrue(UuidV7.ORDER.compare(first, second) < 0);
  }
}

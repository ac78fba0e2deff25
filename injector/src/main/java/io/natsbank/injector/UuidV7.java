package io.natsbank.injector;

import java.util.Comparator;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Time-ordered transfer ids, UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, the version,
 * a 12-bit counter (RFC 9562 "method 1") so that ids made in the same millisecond still increase,
 * the variant, and 62 random bits. Ids from one generator are strictly increasing in the byte order
 * PostgreSQL sorts {@code uuid} by ({@link #ORDER}); when the counter runs out within a millisecond
 * the timestamp moves on by one, so the order never breaks.
 */
public final class UuidV7 {
  /** Unsigned, byte-wise order: the order of PostgreSQL's {@code uuid} type (unlike {@link UUID#compareTo}). */
  public static final Comparator<UUID> ORDER = (a, b) -> {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  };

  private static final int COUNTER_BITS = 12;
  private static final int COUNTER_MAX = (1 << COUNTER_BITS) - 1;
  /** A fresh millisecond starts the counter below half its range, leaving room to count on. */
  private static final int COUNTER_START_BOUND = 1 << (COUNTER_BITS - 1);
  private static final long TIMESTAMP_MAX = (1L << 48) - 1;

  private final LongSupplier clockMillis;
  private final RandomGenerator random;
  private long lastMillis = -1;
  private int counter;

  public UuidV7(LongSupplier clockMillis, RandomGenerator random) {
    this.clockMillis = clockMillis;
    this.random = random;
  }

  /** A generator on the system clock with a strong random source. */
  public static UuidV7 create() {
    return new UuidV7(System::currentTimeMillis, new java.security.SecureRandom());
  }

  public synchronized UUID next() {
    long now = clockMillis.getAsLong();
    if (now > lastMillis) {
      lastMillis = now;
      counter = random.nextInt(COUNTER_START_BOUND);
    } else if (counter < COUNTER_MAX) {
      counter++;
    } else {
      lastMillis++; // the clock went back or the counter is spent: borrow the next millisecond
      counter = random.nextInt(COUNTER_START_BOUND);
    }
    if (lastMillis < 0 || lastMillis > TIMESTAMP_MAX) {
      throw new IllegalStateException("clock out of the UUID v7 range: " + lastMillis);
    }
    long high = (lastMillis << 16) | (0x7L << 12) | counter;
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }

  /** The Unix milliseconds an id was made at (for a version 7 id). */
  public static long timestampMillis(UUID id) {
    return id.getMostSignificantBits() >>> 16;
  }
}

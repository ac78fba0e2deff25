package io.natsbank.store.memory;

import java.util.Comparator;
import java.util.UUID;

/** A row of a re-send index: due time first, id to break ties, like {@code ORDER BY due, id}. */
record DueKey(long atMillis, UUID id) implements Comparable<DueKey> {
  private static final Comparator<DueKey> ORDER =
      Comparator.comparingLong(DueKey::atMillis).thenComparing(DueKey::id);

  @Override
  public int compareTo(DueKey other) {
    return ORDER.compare(this, other);
  }
}

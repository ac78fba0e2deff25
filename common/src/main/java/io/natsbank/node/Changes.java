package io.natsbank.node;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rows a batch creates and changes, by key, so that each row is written once per transaction
 * even when several messages of the batch touch it (the last state wins).
 */
final class Changes<K, V> {
  private final Map<K, V> inserted = new LinkedHashMap<>();
  private final Map<K, V> updated = new LinkedHashMap<>();

  void insert(K key, V value) {
    inserted.put(key, value);
  }

  void update(K key, V value) {
    if (inserted.containsKey(key)) {
      inserted.put(key, value);
    } else {
      updated.put(key, value);
    }
  }

  Collection<V> inserted() {
    return inserted.values();
  }

  Collection<V> updated() {
    return updated.values();
  }
}

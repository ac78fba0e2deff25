package io.natsbank.store.memory;

import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import java.util.List;

/** A consumer store's committed state at one instant, for an audit. Lists are immutable. */
public record ConsumerSnapshot(
    String store, List<AccountSnapshot> accounts, List<ConsumerPosting> postings, List<Entry> entries) {
  public ConsumerSnapshot {
    accounts = List.copyOf(accounts);
    postings = List.copyOf(postings);
    entries = List.copyOf(entries);
  }
}

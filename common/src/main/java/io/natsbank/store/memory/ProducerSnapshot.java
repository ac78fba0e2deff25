package io.natsbank.store.memory;

import io.natsbank.protocol.Entry;
import io.natsbank.protocol.ProducerTransfer;
import java.util.List;

/** A producer store's committed state at one instant, for an audit. Lists are immutable. */
public record ProducerSnapshot(
    String store, List<AccountSnapshot> accounts, List<ProducerTransfer> transfers, List<Entry> entries) {
  public ProducerSnapshot {
    accounts = List.copyOf(accounts);
    transfers = List.copyOf(transfers);
    entries = List.copyOf(entries);
  }
}

package io.natsbank.store.memory;

import io.natsbank.node.ProducerStore;
import io.natsbank.protocol.Account;
import io.natsbank.store.ProducerStoreContract;
import java.util.List;

/** The producer store contract, kept in memory. */
class MemoryProducerStoreContractTest extends ProducerStoreContract {
  @Override
  protected ProducerStore newStore(List<Account> accounts) {
    return new MemoryProducerStore(PRODUCER, accounts);
  }
}

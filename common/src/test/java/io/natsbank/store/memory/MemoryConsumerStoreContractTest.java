package io.natsbank.store.memory;

import io.natsbank.node.ConsumerStore;
import io.natsbank.protocol.Account;
import io.natsbank.store.ConsumerStoreContract;
import java.util.List;

/** The consumer store contract, kept in memory. */
class MemoryConsumerStoreContractTest extends ConsumerStoreContract {
  @Override
  protected ConsumerStore newStore(List<Account> accounts) {
    return new MemoryConsumerStore(CONSUMER, accounts);
  }
}

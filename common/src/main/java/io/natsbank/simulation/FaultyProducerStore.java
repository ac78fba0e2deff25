package io.natsbank.simulation;

import io.natsbank.node.ProducerStore;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.ProducerTransfer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One instance's connection to its participant's shared store, where faults strike: the database
 * may be down, and the instance may die just before or just after committing a transaction that
 * wrote something (the store then keeps nothing, or everything, of it).
 */
final class FaultyProducerStore implements ProducerStore {
  private final ProducerStore delegate;
  private final Instance instance;

  FaultyProducerStore(ProducerStore delegate, Instance instance) {
    this.delegate = delegate;
    this.instance = instance;
  }

  @Override
  public <T> T inTransaction(TransactionWork<Tx, T> work) {
    instance.beforeTransaction();
    boolean[] wrote = {false};
    T result = delegate.inTransaction(tx -> {
      T value = work.run(new Watched(tx, wrote));
      instance.beforeCommit(wrote[0]);
      return value;
    });
    instance.afterCommit(wrote[0]);
    return result;
  }

  @Override
  public Optional<ProducerTransfer> find(UUID id) {
    return delegate.find(id);
  }

  @Override
  public long unfinishedCount() {
    return delegate.unfinishedCount();
  }

  /** Passes everything through and notes whether the transaction writes anything. */
  private record Watched(Tx tx, boolean[] wrote) implements Tx {
    @Override
    public void lockTransferIds(Collection<UUID> ids) {
      tx.lockTransferIds(ids);
    }

    @Override
    public Map<UUID, ProducerTransfer> findForUpdate(Collection<UUID> ids) {
      return tx.findForUpdate(ids);
    }

    @Override
    public Map<String, Account> lockAccounts(Collection<String> ids) {
      return tx.lockAccounts(ids);
    }

    @Override
    public List<ProducerTransfer> claimDue(long nowMillis, int limit) {
      return tx.claimDue(nowMillis, limit);
    }

    @Override
    public void insert(Collection<ProducerTransfer> transfers) {
      wrote[0] |= !transfers.isEmpty();
      tx.insert(transfers);
    }

    @Override
    public void update(Collection<ProducerTransfer> transfers) {
      wrote[0] |= !transfers.isEmpty();
      tx.update(transfers);
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      wrote[0] |= !entries.isEmpty();
      tx.applyEntries(entries);
    }
  }
}

package io.natsbank.simulation;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The consumer twin of {@link FaultyProducerStore}. */
final class FaultyConsumerStore implements ConsumerStore {
  private final ConsumerStore delegate;
  private final Instance instance;

  FaultyConsumerStore(ConsumerStore delegate, Instance instance) {
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
  public Optional<ConsumerPosting> find(UUID id) {
    return delegate.find(id);
  }

  /** Passes everything through and notes whether the transaction writes anything. */
  private record Watched(Tx tx, boolean[] wrote) implements Tx {
    @Override
    public void lockTransferIds(Collection<UUID> ids) {
      tx.lockTransferIds(ids);
    }

    @Override
    public Map<UUID, ConsumerPosting> findForUpdate(Collection<UUID> ids) {
      return tx.findForUpdate(ids);
    }

    @Override
    public Map<String, Account> findAccounts(Collection<String> ids) {
      return tx.findAccounts(ids);
    }

    @Override
    public List<ConsumerPosting> claimDue(long nowMillis, int limit) {
      return tx.claimDue(nowMillis, limit);
    }

    @Override
    public void insert(Collection<ConsumerPosting> postings) {
      wrote[0] |= !postings.isEmpty();
      tx.insert(postings);
    }

    @Override
    public void update(Collection<ConsumerPosting> postings) {
      wrote[0] |= !postings.isEmpty();
      tx.update(postings);
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      wrote[0] |= !entries.isEmpty();
      tx.applyEntries(entries);
    }
  }
}

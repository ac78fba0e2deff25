package io.natsbank.node;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The consumer's durable state: decisions, payee accounts and their entries. */
public interface ConsumerStore {

  <T> T inTransaction(TransactionWork<Tx, T> work);

  Optional<ConsumerPosting> find(UUID id);

  /** What a batch of postings and confirms decides on: the stored decisions (locked) and the payee accounts. */
  record Found(Map<UUID, ConsumerPosting> decisions, Map<String, Account> accounts) {}

  interface Tx {
    /** Serialises transactions that may decide the same transfer ids, across instances, until commit. */
    void lockTransferIds(Collection<UUID> ids);

    Map<UUID, ConsumerPosting> findForUpdate(Collection<UUID> ids);

    /** Reads the accounts among {@code ids}; unknown ids are absent from the map. */
    Map<String, Account> findAccounts(Collection<String> ids);

    /** Claims up to {@code limit} unconfirmed decisions due for a re-send, skipping locked ones. */
    List<ConsumerPosting> claimDue(long nowMillis, int limit);

    void insert(Collection<ConsumerPosting> postings);

    void update(Collection<ConsumerPosting> postings);

    void applyEntries(Collection<Entry> entries);

    /**
     * {@link #lockTransferIds} of {@code newIds} (the postings of the batch: their decisions may be
     * created), then {@link #findForUpdate} of {@code ids} (postings and confirms) and
     * {@link #findAccounts} of {@code payees}: everything a batch of postings and confirms reads,
     * which a store may fetch in one round trip. A confirm needs no advisory lock: it only ever
     * changes a decision that exists, and the row lock serialises that.
     */
    default Found lockForDecisions(Collection<UUID> newIds, Collection<UUID> ids, Collection<String> payees) {
      lockTransferIds(newIds);
      return new Found(findForUpdate(ids), payees.isEmpty() ? Map.of() : findAccounts(payees));
    }
  }
}

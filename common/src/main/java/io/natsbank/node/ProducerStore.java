package io.natsbank.node;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.ProducerTransfer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The producer's durable state: transfers, payer accounts and their entries. */
public interface ProducerStore {

  /** Runs {@code work} in one transaction and commits it; all or nothing. */
  <T> T inTransaction(TransactionWork<Tx, T> work);

  /** Reads a transfer outside any transaction (status queries). */
  Optional<ProducerTransfer> find(UUID id);

  /**
   * How many transfers are unfinished (PENDING or ACKED: sent, no final outcome yet), read outside any
   * transaction. Cheap (the re-send index covers exactly these rows): the admission control of the
   * producer's API re-reads it a few times a second.
   */
  long unfinishedCount();

  /** What a batch of submits decides on: the stored transfers and the payer accounts, locked. */
  record Locked(Map<UUID, ProducerTransfer> transfers, Map<String, Account> accounts) {}

  /** The operations available inside a transaction. Collections passed in may be in any order. */
  interface Tx {
    /** Serialises transactions that may create the same transfer ids, across instances, until commit. */
    void lockTransferIds(Collection<UUID> ids);

    /** Reads and locks the stored transfers among {@code ids}. */
    Map<UUID, ProducerTransfer> findForUpdate(Collection<UUID> ids);

    /** Reads and locks the accounts among {@code ids}; unknown ids are absent from the map. */
    Map<String, Account> lockAccounts(Collection<String> ids);

    /**
     * Claims up to {@code limit} unfinished transfers due for a re-send at {@code nowMillis}, locked,
     * skipping those another instance holds.
     */
    List<ProducerTransfer> claimDue(long nowMillis, int limit);

    void insert(Collection<ProducerTransfer> transfers);

    void update(Collection<ProducerTransfer> transfers);

    /** Records the entries and moves the balances by each entry's delta. */
    void applyEntries(Collection<Entry> entries);

    /**
     * {@link #lockTransferIds} of {@code ids}, then {@link #findForUpdate} of them and
     * {@link #lockAccounts} of {@code payers}: everything a batch of submits reads, which a store
     * may fetch in one round trip.
     */
    default Locked lockForSubmits(Collection<UUID> ids, Collection<String> payers) {
      lockTransferIds(ids);
      return new Locked(findForUpdate(ids), lockAccounts(payers));
    }
  }
}

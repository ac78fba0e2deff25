package io.natsbank.store.memory;

import io.natsbank.node.ProducerStore;
import io.natsbank.node.StoreException;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Invariants;
import io.natsbank.protocol.ProducerTransfer;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A producer store in memory that keeps exactly what committed transactions keep. A transaction
 * writes into its own pending changes, and only a commit publishes them; an exception inside the
 * work discards them all. It enforces what the schema enforces ({@code db/producer/V1}): unique
 * transfer ids, payers that exist, one entry per transfer and kind (DEBIT or REFUND), no negative
 * balance, a final outcome that never changes (the schema's trigger), all as {@link StoreException}
 * like the Postgres store; an update of a row that does not exist is a programmer error ({@link
 * Invariants.InvariantViolation}).
 *
 * <p>Transactions are serialised on the store's monitor: safe for several threads, trivially
 * serialisable, so claiming due rows needs no skip-locked logic.
 */
public final class MemoryProducerStore implements ProducerStore {
  private final String name;
  private final Ledger ledger;
  private final Map<UUID, ProducerTransfer> transfers = new LinkedHashMap<>();
  private final TreeSet<DueKey> unfinishedByDue = new TreeSet<>();
  private boolean inTransaction;

  public MemoryProducerStore(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.ledger = new Ledger(name, EnumSet.of(Entry.Kind.DEBIT, Entry.Kind.REFUND));
  }

  public MemoryProducerStore(String name, Collection<Account> accounts) {
    this(name);
    accounts.forEach(this::openAccount);
  }

  /** Opens an account; its balance now is its opening balance for the audit. */
  public synchronized void openAccount(Account account) {
    ledger.open(account);
  }

  public String name() {
    return name;
  }

  @Override
  public synchronized <T> T inTransaction(TransactionWork<Tx, T> work) {
    Objects.requireNonNull(work, "work");
    if (inTransaction) {
      throw new IllegalStateException(name + ": a transaction is already open on this thread; no nesting");
    }
    inTransaction = true;
    Transaction tx = new Transaction();
    try {
      T result = work.run(tx);
      tx.state.close();
      tx.commit();
      return result;
    } finally {
      tx.state.abandon();
      inTransaction = false;
    }
  }

  @Override
  public synchronized Optional<ProducerTransfer> find(UUID id) {
    return Optional.ofNullable(transfers.get(id));
  }

  /** Everything committed, read at one instant: accounts by id, transfers and entries in insertion order. */
  public synchronized ProducerSnapshot snapshot() {
    return new ProducerSnapshot(name, ledger.snapshot(), List.copyOf(transfers.values()), ledger.entries());
  }

  /** How many transfers wait for an outcome (PENDING or ACKED). */
  @Override
  public synchronized long unfinishedCount() {
    return unfinishedByDue.size();
  }

  private static boolean unfinished(ProducerTransfer transfer) {
    return !transfer.status().isFinal();
  }

  private final class Transaction implements Tx {
    private final TransactionState state = new TransactionState(name);
    private final Ledger.Pending ledgerChanges = ledger.begin();
    private final Map<UUID, ProducerTransfer> written = new LinkedHashMap<>();

    private ProducerTransfer current(UUID id) {
      ProducerTransfer changed = written.get(id);
      return changed != null ? changed : transfers.get(id);
    }

    @Override
    public void lockTransferIds(Collection<UUID> ids) {
      state.execute(() -> Objects.requireNonNull(ids, "ids"));
    }

    @Override
    public Map<UUID, ProducerTransfer> findForUpdate(Collection<UUID> ids) {
      return state.run(() -> {
        Map<UUID, ProducerTransfer> found = new TreeMap<>();
        for (UUID id : ids) {
          ProducerTransfer transfer = current(id);
          if (transfer != null) {
            found.put(id, transfer);
          }
        }
        return found;
      });
    }

    @Override
    public Map<String, Account> lockAccounts(Collection<String> ids) {
      return state.run(() -> ledgerChanges.accounts(ids));
    }

    @Override
    public List<ProducerTransfer> claimDue(long nowMillis, int limit) {
      return state.run(() -> {
        if (limit < 0) {
          throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        TreeMap<DueKey, ProducerTransfer> due = new TreeMap<>();
        for (DueKey key : unfinishedByDue) {
          if (key.atMillis() > nowMillis || (due.size() >= limit && written.isEmpty())) {
            break;
          }
          if (!written.containsKey(key.id())) {
            due.put(key, transfers.get(key.id()));
          }
        }
        for (ProducerTransfer transfer : written.values()) {
          if (unfinished(transfer) && transfer.nextAttemptAtMillis() <= nowMillis) {
            due.put(new DueKey(transfer.nextAttemptAtMillis(), transfer.id()), transfer);
          }
        }
        return due.values().stream().limit(limit).toList();
      });
    }

    @Override
    public void insert(Collection<ProducerTransfer> toInsert) {
      state.execute(() -> toInsert.forEach(this::insert));
    }

    private void insert(ProducerTransfer transfer) {
      Objects.requireNonNull(transfer, "transfer");
      if (current(transfer.id()) != null) {
        throw new StoreException(name + ": duplicate key: transfer " + transfer.id() + " already exists");
      }
      if (ledgerChanges.account(transfer.terms().payer()) == null) {
        throw new StoreException(name + ": transfer " + transfer.id() + " names unknown payer account '"
            + transfer.terms().payer() + "'");
      }
      checkColumns(transfer);
      written.put(transfer.id(), transfer);
    }

    @Override
    public void update(Collection<ProducerTransfer> toUpdate) {
      state.execute(() -> toUpdate.forEach(this::update));
    }

    private void update(ProducerTransfer transfer) {
      Objects.requireNonNull(transfer, "transfer");
      ProducerTransfer before = current(transfer.id());
      Invariants.check(before != null, "an update changes exactly one existing transfer", transfer.id());
      if (before.status().isFinal()
          && (before.status() != transfer.status() || before.cause() != transfer.cause())) {
        throw new StoreException(name + ": transfer " + transfer.id() + " is final as " + before.status()
            + ", refusing to change it to " + transfer.status() + "/" + transfer.cause());
      }
      checkColumns(transfer);
      written.put(transfer.id(), transfer);
    }

    private void checkColumns(ProducerTransfer transfer) {
      if (transfer.attempts() < 0) {
        throw new StoreException(name + ": check violated: attempts >= 0 for transfer " + transfer.id());
      }
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      state.execute(() -> ledgerChanges.apply(entries));
    }

    void commit() {
      ledgerChanges.commit();
      for (ProducerTransfer transfer : written.values()) {
        ProducerTransfer before = transfers.put(transfer.id(), transfer);
        if (before != null && unfinished(before)) {
          unfinishedByDue.remove(new DueKey(before.nextAttemptAtMillis(), before.id()));
        }
        if (unfinished(transfer)) {
          unfinishedByDue.add(new DueKey(transfer.nextAttemptAtMillis(), transfer.id()));
        }
      }
    }
  }
}

package io.natsbank.store.memory;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.StoreException;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Invariants;
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
 * A consumer store in memory that keeps exactly what committed transactions keep (see {@link
 * MemoryProducerStore} for the transaction model). It enforces what {@code db/consumer/V1} enforces:
 * unique posting ids, at least one response counted, one CREDIT per transfer on a known account, no
 * negative balance, a decision that never changes and a confirmation never taken back (the schema's
 * trigger), all as {@link StoreException} like the Postgres store; an update of a row that does not
 * exist is a programmer error ({@link Invariants.InvariantViolation}).
 */
public final class MemoryConsumerStore implements ConsumerStore {
  private final String name;
  private final Ledger ledger;
  private final Map<UUID, ConsumerPosting> postings = new LinkedHashMap<>();
  private final TreeSet<DueKey> unconfirmedByDue = new TreeSet<>();
  private boolean inTransaction;

  public MemoryConsumerStore(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.ledger = new Ledger(name, EnumSet.of(Entry.Kind.CREDIT));
  }

  public MemoryConsumerStore(String name, Collection<Account> accounts) {
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
  public synchronized Optional<ConsumerPosting> find(UUID id) {
    return Optional.ofNullable(postings.get(id));
  }

  /** Everything committed, read at one instant: accounts by id, postings and entries in insertion order. */
  public synchronized ConsumerSnapshot snapshot() {
    return new ConsumerSnapshot(name, ledger.snapshot(), List.copyOf(postings.values()), ledger.entries());
  }

  /** How many decisions wait for the producer's confirm. */
  public synchronized int unconfirmedCount() {
    return unconfirmedByDue.size();
  }

  private final class Transaction implements Tx {
    private final TransactionState state = new TransactionState(name);
    private final Ledger.Pending ledgerChanges = ledger.begin();
    private final Map<UUID, ConsumerPosting> written = new LinkedHashMap<>();

    private ConsumerPosting current(UUID id) {
      ConsumerPosting changed = written.get(id);
      return changed != null ? changed : postings.get(id);
    }

    @Override
    public void lockTransferIds(Collection<UUID> ids) {
      state.execute(() -> Objects.requireNonNull(ids, "ids"));
    }

    @Override
    public Map<UUID, ConsumerPosting> findForUpdate(Collection<UUID> ids) {
      return state.run(() -> {
        Map<UUID, ConsumerPosting> found = new TreeMap<>();
        for (UUID id : ids) {
          ConsumerPosting posting = current(id);
          if (posting != null) {
            found.put(id, posting);
          }
        }
        return found;
      });
    }

    @Override
    public Map<String, Account> findAccounts(Collection<String> ids) {
      return state.run(() -> ledgerChanges.accounts(ids));
    }

    @Override
    public List<ConsumerPosting> claimDue(long nowMillis, int limit) {
      return state.run(() -> {
        if (limit < 0) {
          throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        TreeMap<DueKey, ConsumerPosting> due = new TreeMap<>();
        for (DueKey key : unconfirmedByDue) {
          if (key.atMillis() > nowMillis || (due.size() >= limit && written.isEmpty())) {
            break;
          }
          if (!written.containsKey(key.id())) {
            due.put(key, postings.get(key.id()));
          }
        }
        for (ConsumerPosting posting : written.values()) {
          if (!posting.confirmed() && posting.nextResendAtMillis() <= nowMillis) {
            due.put(new DueKey(posting.nextResendAtMillis(), posting.id()), posting);
          }
        }
        return due.values().stream().limit(limit).toList();
      });
    }

    @Override
    public void insert(Collection<ConsumerPosting> toInsert) {
      state.execute(() -> toInsert.forEach(this::insert));
    }

    private void insert(ConsumerPosting posting) {
      Objects.requireNonNull(posting, "posting");
      if (current(posting.id()) != null) {
        throw new StoreException(name + ": duplicate key: posting " + posting.id() + " already exists");
      }
      checkColumns(posting);
      written.put(posting.id(), posting);
    }

    @Override
    public void update(Collection<ConsumerPosting> toUpdate) {
      state.execute(() -> toUpdate.forEach(this::update));
    }

    private void update(ConsumerPosting posting) {
      Objects.requireNonNull(posting, "posting");
      ConsumerPosting before = current(posting.id());
      Invariants.check(before != null, "an update changes exactly one existing posting", posting.id());
      if (before.decision() != posting.decision() || before.cause() != posting.cause()) {
        throw new StoreException(name + ": posting " + posting.id() + " was decided " + before.decision()
            + ", refusing to change it to " + posting.decision() + "/" + posting.cause());
      }
      if (before.confirmed() && !posting.confirmed()) {
        throw new StoreException(name + ": posting " + posting.id() + " is confirmed, refusing to unconfirm it");
      }
      checkColumns(posting);
      written.put(posting.id(), posting);
    }

    private void checkColumns(ConsumerPosting posting) {
      if (posting.responses() < 1) {
        throw new StoreException(name + ": check violated: responses >= 1 for posting " + posting.id());
      }
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      state.execute(() -> ledgerChanges.apply(entries));
    }

    void commit() {
      ledgerChanges.commit();
      for (ConsumerPosting posting : written.values()) {
        ConsumerPosting before = postings.put(posting.id(), posting);
        if (before != null && !before.confirmed()) {
          unconfirmedByDue.remove(new DueKey(before.nextResendAtMillis(), before.id()));
        }
        if (!posting.confirmed()) {
          unconfirmedByDue.add(new DueKey(posting.nextResendAtMillis(), posting.id()));
        }
      }
    }
  }
}

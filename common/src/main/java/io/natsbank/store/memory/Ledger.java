package io.natsbank.store.memory;

import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Accounts and their entries as the {@code accounts} and {@code entries} tables keep them, shared by
 * both memory stores: a balance never goes below zero, an entry names a known account, a kind the
 * table allows, and is unique per transfer and kind. Not thread-safe: the owning store serialises.
 */
final class Ledger {
  private final String storeName;
  private final Set<Entry.Kind> kindsAllowed;
  private final TreeMap<String, Account> accounts = new TreeMap<>();
  private final TreeMap<String, BigDecimal> openingBalances = new TreeMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private final Set<EntryKey> entryKeys = new HashSet<>();

  private record EntryKey(UUID transferId, Entry.Kind kind) {}

  Ledger(String storeName, Set<Entry.Kind> kindsAllowed) {
    this.storeName = storeName;
    this.kindsAllowed = EnumSet.copyOf(kindsAllowed);
  }

  void open(Account account) {
    Objects.requireNonNull(account, "account");
    if (accounts.containsKey(account.id())) {
      throw new IllegalArgumentException(storeName + ": account '" + account.id() + "' is already open");
    }
    if (account.balance().signum() < 0) {
      throw new IllegalArgumentException(storeName + ": opening balance of '" + account.id() + "' is negative");
    }
    accounts.put(account.id(), account);
    openingBalances.put(account.id(), account.balance());
  }

  List<AccountSnapshot> snapshot() {
    List<AccountSnapshot> result = new ArrayList<>(accounts.size());
    accounts.forEach((id, account) -> result.add(new AccountSnapshot(account, openingBalances.get(id))));
    return result;
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  Pending begin() {
    return new Pending();
  }

  /** What one transaction changes, published only by {@link #commit}. */
  final class Pending {
    private final Map<String, Account> accountsChanged = new LinkedHashMap<>();
    private final List<Entry> entriesAdded = new ArrayList<>();
    private final Set<EntryKey> entryKeysAdded = new HashSet<>();

    private Pending() {}

    Account account(String id) {
      Account changed = accountsChanged.get(id);
      return changed != null ? changed : accounts.get(id);
    }

    Map<String, Account> accounts(Collection<String> ids) {
      Map<String, Account> found = new TreeMap<>();
      for (String id : ids) {
        Account account = account(id);
        if (account != null) {
          found.put(id, account);
        }
      }
      return found;
    }

    void apply(Collection<Entry> toApply) {
      for (Entry entry : toApply) {
        apply(entry);
      }
    }

    private void apply(Entry entry) {
      Objects.requireNonNull(entry, "entry");
      if (!kindsAllowed.contains(entry.kind())) {
        throw new StoreException(storeName + ": entries of kind " + entry.kind() + " are not kept here (transfer "
            + entry.transferId() + ")");
      }
      Account account = account(entry.account());
      if (account == null) {
        throw new StoreException(storeName + ": entry of transfer " + entry.transferId() + " names unknown account '"
            + entry.account() + "'");
      }
      EntryKey key = new EntryKey(entry.transferId(), entry.kind());
      if (entryKeys.contains(key) || !entryKeysAdded.add(key)) {
        throw new StoreException(storeName + ": duplicate key: transfer " + entry.transferId() + " already has a "
            + entry.kind() + " entry");
      }
      BigDecimal balance = account.balance().add(entry.balanceDelta());
      if (balance.signum() < 0) {
        throw new StoreException(storeName + ": " + entry.kind() + " of transfer " + entry.transferId()
            + " would make the balance of '" + account.id() + "' negative (" + balance.toPlainString() + ")");
      }
      accountsChanged.put(account.id(), account.withBalance(balance));
      entriesAdded.add(entry);
    }

    void commit() {
      accounts.putAll(accountsChanged);
      entries.addAll(entriesAdded);
      entryKeys.addAll(entryKeysAdded);
    }
  }
}

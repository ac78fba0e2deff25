package io.natsbank.store.pg;

import io.natsbank.protocol.Entry;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Recording entries and moving balances, the same tables in the producer's and the consumer's
 * schema. Balances move once per account per call, by the sum of that account's entries: a hot
 * account is written once per batch. The accounts are locked in ascending id order before anything
 * else touches them, so that two batches never wait on each other in a cycle: the entries come after,
 * because their foreign key takes a key share lock on each account in entry order (an order of its
 * own, which deadlocked against a batch locking its payers: measured, one-second stalls until
 * PostgreSQL's deadlock timeout). The locks are {@code FOR NO KEY UPDATE}, all a balance update
 * needs, and they do not conflict with those key share locks at all.
 */
final class EntryRows {
  static final String[] INSERT_TYPES = {"uuid", "text", "text", "numeric"};
  static final String INSERT_SQL = "INSERT INTO entries (transfer_id, kind, account, amount) SELECT * FROM unnest("
      + Sql.arrayParameters(INSERT_TYPES) + ")";
  /** Byte order ("C"), the order Java sorts the ids in; a lock this transaction already holds costs nothing. */
  static final String LOCK_ACCOUNTS_SQL =
      "SELECT id FROM accounts WHERE id = ANY(?) ORDER BY id COLLATE \"C\" FOR NO KEY UPDATE";
  static final String[] MOVE_BALANCE_TYPES = {"text", "numeric"};
  static final String MOVE_BALANCES_SQL = "UPDATE accounts a SET balance = a.balance + u.delta FROM unnest("
      + Sql.arrayParameters(MOVE_BALANCE_TYPES) + ") AS u(id, delta) WHERE a.id = u.id";

  private EntryRows() {}

  /** Queues the three statements: lock the accounts, record the entries, move the balances. */
  static void apply(PgTx tx, Collection<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Sql.checkSize("applyEntries", entries);
    TreeMap<String, BigDecimal> deltas = deltasByAccount(entries);
    List<Entry> recorded = List.copyOf(entries);
    ColumnArrays entryColumns = new ColumnArrays(recorded.size(), INSERT_TYPES);
    for (Entry entry : recorded) {
      entryColumns.nextRow().set(0, entry.transferId()).set(1, entry.kind().name()).set(2, entry.account())
          .setDecimal(3, entry.amount());
    }
    ColumnArrays balanceColumns = new ColumnArrays(deltas.size(), MOVE_BALANCE_TYPES);
    deltas.forEach((account, delta) -> balanceColumns.nextRow().set(0, account).setDecimal(1, delta));
    List<String> accounts = List.copyOf(deltas.keySet());
    tx.queue()
        .query("locking " + accounts.size() + " accounts", LOCK_ACCOUNTS_SQL,
            parameters -> parameters.texts(accounts), rows -> { })
        .write("recording " + recorded.size() + " entries", INSERT_SQL,
            parameters -> parameters.columns(entryColumns),
            RoundTrip.RowCount.eachOnce("insert into entries", recorded,
                entry -> entry.transferId() + ":" + entry.kind()))
        .write("moving the balances of " + accounts.size() + " accounts", MOVE_BALANCES_SQL,
            parameters -> parameters.columns(balanceColumns),
            RoundTrip.RowCount.eachOnce("update of the account balances", accounts, account -> account));
  }

  /** The net change of each account, sorted by account id. */
  static TreeMap<String, BigDecimal> deltasByAccount(Collection<Entry> entries) {
    TreeMap<String, BigDecimal> deltas = new TreeMap<>();
    for (Entry entry : entries) {
      deltas.merge(entry.account(), entry.balanceDelta(), BigDecimal::add);
    }
    return deltas;
  }
}

package io.natsbank.store.pg;

import io.natsbank.protocol.Entry;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.util.Collection;
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

  static void apply(PgTx tx, Collection<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Sql.checkSize("applyEntries", entries);
    TreeMap<String, BigDecimal> deltas = deltasByAccount(entries);
    lockAccounts(tx, deltas);
    ColumnArrays columns = new ColumnArrays(entries.size(), INSERT_TYPES);
    for (Entry entry : entries) {
      columns.nextRow().set(0, entry.transferId()).set(1, entry.kind().name()).set(2, entry.account())
          .setDecimal(3, entry.amount());
    }
    tx.run("recording " + entries.size() + " entries", () -> {
      try (PreparedStatement statement = tx.prepare(INSERT_SQL)) {
        columns.bind(tx.connection(), statement, 1);
        Sql.checkTouchedEachOnce(statement.executeUpdate(), "insert into entries", entries,
            entry -> entry.transferId() + ":" + entry.kind());
        return null;
      }
    });
    moveBalances(tx, deltas);
  }

  /** The net change of each account, sorted by account id. */
  static TreeMap<String, BigDecimal> deltasByAccount(Collection<Entry> entries) {
    TreeMap<String, BigDecimal> deltas = new TreeMap<>();
    for (Entry entry : entries) {
      deltas.merge(entry.account(), entry.balanceDelta(), BigDecimal::add);
    }
    return deltas;
  }

  private static void lockAccounts(PgTx tx, TreeMap<String, BigDecimal> deltas) {
    tx.run("locking " + deltas.size() + " accounts", () -> {
      try (PreparedStatement lock = tx.prepare(LOCK_ACCOUNTS_SQL)) {
        lock.setArray(1, Sql.textArray(tx.connection(), deltas.keySet()));
        lock.executeQuery().close();
        return null;
      }
    });
  }

  private static void moveBalances(PgTx tx, TreeMap<String, BigDecimal> deltas) {
    ColumnArrays columns = new ColumnArrays(deltas.size(), MOVE_BALANCE_TYPES);
    deltas.forEach((account, delta) -> columns.nextRow().set(0, account).setDecimal(1, delta));
    tx.run("moving the balances of " + deltas.size() + " accounts", () -> {
      try (PreparedStatement move = tx.prepare(MOVE_BALANCES_SQL)) {
        columns.bind(tx.connection(), move, 1);
        Sql.checkTouchedEachOnce(move.executeUpdate(), "update of the account balances", deltas.keySet(),
            account -> account);
        return null;
      }
    });
  }
}

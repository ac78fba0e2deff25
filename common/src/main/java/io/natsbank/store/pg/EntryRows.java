package io.natsbank.store.pg;

import io.natsbank.protocol.Entry;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recording entries and moving balances, the same tables in the producer's and the consumer's
 * schema. Balances move once per account per call, by the sum of that account's entries, in
 * ascending account order: a hot account is written once per batch, and two batches lock accounts
 * in the same order.
 */
final class EntryRows {
  static final String INSERT_SQL = "INSERT INTO entries (transfer_id, kind, account, amount) VALUES (?, ?, ?, ?)";
  static final String MOVE_BALANCE_SQL = "UPDATE accounts SET balance = balance + ? WHERE id = ?";

  private EntryRows() {}

  static void apply(PgTx tx, Collection<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Sql.checkSize("applyEntries", entries);
    List<Entry> ordered = List.copyOf(entries);
    tx.run("recording " + ordered.size() + " entries", () -> {
      try (PreparedStatement statement = tx.prepare(INSERT_SQL)) {
        for (Entry entry : ordered) {
          statement.setObject(1, entry.transferId());
          statement.setString(2, entry.kind().name());
          statement.setString(3, entry.account());
          statement.setBigDecimal(4, entry.amount());
          statement.addBatch();
        }
        Sql.checkEachTouchedOneRow(statement.executeBatch(), "insert into entries", ordered);
        return null;
      }
    });
    moveBalances(tx, deltasByAccount(ordered));
  }

  /** The net change of each account, sorted by account id. */
  static TreeMap<String, BigDecimal> deltasByAccount(Collection<Entry> entries) {
    TreeMap<String, BigDecimal> deltas = new TreeMap<>();
    for (Entry entry : entries) {
      deltas.merge(entry.account(), entry.balanceDelta(), BigDecimal::add);
    }
    return deltas;
  }

  private static void moveBalances(PgTx tx, TreeMap<String, BigDecimal> deltas) {
    List<String> accounts = new ArrayList<>(deltas.keySet());
    tx.run("moving the balances of " + accounts.size() + " accounts", () -> {
      try (PreparedStatement statement = tx.prepare(MOVE_BALANCE_SQL)) {
        for (Map.Entry<String, BigDecimal> delta : deltas.entrySet()) {
          statement.setBigDecimal(1, delta.getValue());
          statement.setString(2, delta.getKey());
          statement.addBatch();
        }
        Sql.checkEachTouchedOneRow(statement.executeBatch(), "update of an account balance", accounts);
        return null;
      }
    });
  }
}

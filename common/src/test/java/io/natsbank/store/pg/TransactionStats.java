package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the server has counted so far inside the open transaction of a store's {@link PgTx}. */
final class TransactionStats {
  private TransactionStats() {}

  /**
   * Runs each step in {@code tx}, sending what it queued, and returns how many index scans of
   * {@code table} each one made.
   */
  static long[] indexScansOfEach(PgTx tx, String table, Runnable... steps) {
    long[] scans = new long[steps.length];
    for (int i = 0; i < steps.length; i++) {
      long before = indexScans(tx, table);
      steps[i].run();
      tx.send();
      scans[i] = indexScans(tx, table) - before;
    }
    return scans;
  }

  /** Index scans of {@code table} in this transaction, every index of it together. */
  static long indexScans(PgTx tx, String table) {
    try (Statement statement = tx.connection().createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT idx_scan FROM pg_stat_xact_user_tables WHERE relname = '" + table + "'")) {
      assertTrue(rows.next(), "no table " + table);
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

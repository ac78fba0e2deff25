package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Store transactions run from plans made once per connection, and a plan made while the table was
 * new and small still finds rows by index once the table has grown: the failure this guards against is a
 * cached plan that scans the whole table on every call.
 */
class TransactionPlansTest {
  static final long T0 = 1_760_000_000_000L;

  @Test
  void aLookupPlannedWhileTheTableWasSmallKeepsUsingTheIndexAsTheTableGrows() throws SQLException {
    try (TestDatabase database = TestDatabases.create(Database.Role.PRODUCER)) {
      // one connection, so that every transaction runs on the session whose prepared statements we read
      HikariDataSource pool = database.openSingleConnectionPool("one");
      PgProducerStore store = new PgProducerStore(pool, database.statementTimeoutMillis());
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ids.add(UUID.randomUUID());
      }
      addFinishedTransfers(database, 20);
      // a new table, one page, analyzed: a scan of it looks cheapest
      Jdbc.execute(database.dataSource(), "ANALYZE transfers");
      for (int i = 0; i < 10; i++) { // past pgjdbc's prepare threshold: planned on the server now
        store.inTransaction(tx -> tx.findForUpdate(ids));
      }
      // grown, not analyzed again (no autovacuum here, or not yet): the cached plan stays
      addFinishedTransfers(database, 50_000);
      long sequentialScansBefore = sequentialScans(pool);
      ProducerTransfer stored = pending(ids.get(0));
      store.inTransaction(tx -> {
        tx.insert(List.of(stored));
        return null;
      });

      for (int i = 0; i < 5; i++) {
        assertEquals(1, store.inTransaction(tx -> tx.findForUpdate(ids)).size());
      }

      assertEquals(sequentialScansBefore, sequentialScans(pool), "the grown table was scanned whole");
      try (Connection connection = pool.getConnection();
          Statement statement = connection.createStatement();
          ResultSet plans = statement.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
              + " WHERE statement LIKE '%FROM transfers WHERE id = ANY%'")) {
        assertTrue(plans.next(), "the lookup was not prepared on the server");
        assertTrue(plans.getLong(1) >= 10, "executions run from the cached generic plan: " + plans.getLong(1));
        assertEquals(0, plans.getLong(2), "executions planned for their parameters");
        connection.rollback();
      }
    }
  }

  private static void addFinishedTransfers(TestDatabase database, int count) {
    Jdbc.execute(database.dataSource(), "INSERT INTO transfers (" + TransferRows.COLUMNS + ")"
        + " SELECT gen_random_uuid(), 'bank-a', 'bank-b', 'alice', 'payee-1', 1.00, 'EUR', 'OK', NULL, NULL, true,"
        + " 1, now(), now(), now() FROM generate_series(1, ?)", count);
  }

  /** Sequential scans of {@code transfers} so far, as the statistics show them once flushed. */
  private static long sequentialScans(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_stat_force_next_flush()");
      connection.commit();
      statement.execute("SELECT 1");
      connection.commit();
      try (ResultSet scans = statement.executeQuery(
          "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'transfers'")) {
        scans.next();
        long count = scans.getLong(1);
        connection.rollback();
        return count;
      }
    }
  }

  private static ProducerTransfer pending(UUID id) {
    TransferTerms terms = new TransferTerms("bank-a", "bank-b", "alice", "payee-1",
        Money.parsePositive("1.00", Currency.EUR));
    return new ProducerTransfer(id, terms, TransferStatus.PENDING, null, null, true, 1, T0 + 1_000, T0, 0);
  }
}

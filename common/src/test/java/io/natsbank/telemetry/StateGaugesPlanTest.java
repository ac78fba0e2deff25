package io.natsbank.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.natsbank.store.pg.Database;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A read of the state gauges costs what is in flight, not the table's history: on a table of many
 * finished rows that has never been analyzed (a new participant, or no autovacuum yet), the planner
 * guesses that half the postings are unconfirmed and scans them all every refresh (in parallel, on a
 * benchmark's table).
 */
class StateGaugesPlanTest {
  /** Postings written; all but three end confirmed. */
  private static final int POSTINGS = 60_000;

  @Test
  void theConsumersReadFindsTheUnconfirmedByIndexInAnUnanalyzedTableOfFinishedRows() throws SQLException {
    try (TestDatabase database = TestDatabases.create(Database.Role.CONSUMER)) {
      // one connection for everything, so that the statistics it flushes on demand are all there are
      // (another backend's wait up to a second before they are shared)
      DataSource pool = database.openSingleConnectionPool("one");
      // as the consumer writes them: each decision inserted unconfirmed (so into the partial index of
      // what is due), then confirmed by an update that leaves its index entry behind until a vacuum
      Jdbc.execute(pool, "INSERT INTO postings (id, producer, consumer, payer, payee, amount, currency, decision,"
          + " cause, reason, confirmed, responses, next_resend_at, decided_at, confirmed_at)"
          + " SELECT gen_random_uuid(), 'bank-a', 'bank-b', 'alice', 'payee-1', 1.00, 'EUR',"
          + " CASE WHEN i % 10 = 0 THEN 'REJECTED' ELSE 'OK' END,"
          + " CASE WHEN i % 10 = 0 THEN 'UNKNOWN_ACCOUNT' END, NULL,"
          + " false, 1, now(), now() - interval '5 seconds', NULL FROM generate_series(1, ?) i", POSTINGS);
      Jdbc.execute(pool, "UPDATE postings SET confirmed = true, confirmed_at = now()"
          + " WHERE id NOT IN (SELECT id FROM postings WHERE decision = 'OK' LIMIT 2)"
          + " AND id NOT IN (SELECT id FROM postings WHERE decision = 'REJECTED' LIMIT 1)");
      long scansBefore = sequentialScans(pool);

      try (StateGauges gauges = new StateGauges(new SimpleMeterRegistry(), Tags.empty(), "bank-b", pool,
          Database.Role.CONSUMER, Duration.ofMinutes(10))) {
        Map<String, Double> read = gauges.read();

        assertEquals(2.0, read.get("OK"), "unconfirmed OK decisions");
        assertEquals(1.0, read.get("REJECTED"), "unconfirmed REJECTED decisions");
        assertEquals(3.0, read.get("in_flight"));
      }
      assertEquals(scansBefore, sequentialScans(pool), "a read of the gauges scanned the postings table whole");
    }
  }

  /** Sequential scans of {@code postings} so far (parallel ones included), this connection's flushed first. */
  private static long sequentialScans(DataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      statement.execute("SELECT pg_stat_force_next_flush()");
      statement.execute("SELECT 1");
      try (ResultSet scans = statement.executeQuery(
          "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'postings'")) {
        scans.next();
        return scans.getLong(1);
      }
    }
  }
}

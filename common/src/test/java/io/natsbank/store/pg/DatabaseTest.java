package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import io.natsbank.testing.Await;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Opening pools, migrating (also from several replicas at once), creating and dropping databases. */
class DatabaseTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int REPLICAS = 4;

  private final DatabaseSettings admin = TestDatabases.adminSettings(System.getenv());

  @Test
  void migratingFromFourReplicasAtOnceSucceedsOnceAndAgainChangesNothing() throws Exception {
    for (Database.Role role : Database.Role.values()) {
      try (TestDatabase database = TestDatabases.createEmpty()) {
        List<HikariDataSource> pools = new ArrayList<>();
        for (int replica = 0; replica < REPLICAS; replica++) {
          pools.add(database.openPool("replica" + replica));
        }

        migrateAllAtOnce(pools, role);
        long applied = Jdbc.count(database.dataSource(), "SELECT count(*) FROM flyway_schema_history");
        Database.migrate(database.dataSource(), role);

        assertEquals(applied, Jdbc.count(database.dataSource(), "SELECT count(*) FROM flyway_schema_history"));
        assertEquals(applied, Jdbc.count(database.dataSource(),
            "SELECT count(DISTINCT version) FROM flyway_schema_history WHERE success"), "each version once");
        assertEquals(1L, Jdbc.count(database.dataSource(),
            "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"));
        String views = role == Database.Role.PRODUCER ? "transfer_status, transfer_summary" : "posting_status, posting_summary";
        assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM accounts, " + views));
      }
    }
  }

  private static void migrateAllAtOnce(List<HikariDataSource> pools, Database.Role role) throws Exception {
    CyclicBarrier start = new CyclicBarrier(pools.size());
    ExecutorService threads = Executors.newFixedThreadPool(pools.size());
    try {
      List<Future<Object>> migrations = new ArrayList<>();
      for (HikariDataSource pool : pools) {
        migrations.add(threads.submit(() -> {
          start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          Database.migrate(pool, role);
          return null;
        }));
      }
      for (Future<Object> migration : migrations) {
        Await.result(migration, WAIT);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void createDatabaseIfAbsentCreatesOnceAndToleratesARace() throws Exception {
    String name = "nbtest_race_" + Long.toString(System.nanoTime(), 36);
    CyclicBarrier start = new CyclicBarrier(REPLICAS);
    ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
    try {
      List<Future<Boolean>> creations = new ArrayList<>();
      for (int replica = 0; replica < REPLICAS; replica++) {
        creations.add(threads.submit(() -> {
          start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return Database.createDatabaseIfAbsent(admin.jdbcUrl(), admin.user(), admin.password(), name);
        }));
      }
      int created = 0;
      for (Future<Boolean> creation : creations) {
        created += Await.result(creation, WAIT) ? 1 : 0;
      }

      assertEquals(1, created);
      assertTrue(Database.databaseExists(admin.jdbcUrl(), admin.user(), admin.password(), name));
      assertFalse(Database.createDatabaseIfAbsent(admin.jdbcUrl(), admin.user(), admin.password(), name));
    } finally {
      threads.shutdownNow();
      Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), name);
    }
    assertFalse(Database.databaseExists(admin.jdbcUrl(), admin.user(), admin.password(), name));
  }

  @Test
  void dropEndsTheSessionsStillConnectedAndToleratesAnAbsentDatabase() {
    TestDatabase database = TestDatabases.createEmpty();
    try {
      assertEquals(1L, Jdbc.count(database.dataSource(), "SELECT 1"));
      Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), database.name());

      assertFalse(Database.databaseExists(admin.jdbcUrl(), admin.user(), admin.password(), database.name()));
    } finally {
      database.close();
    }
    Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), database.name());
  }

  @Test
  void refusesDatabaseNamesThatCouldNotBeSplicedSafely() {
    for (String name : List.of("", "Upper", "with-dash", "quote\"d", "semi;colon", "a".repeat(64))) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> Database.createDatabaseIfAbsent(admin.jdbcUrl(), admin.user(), admin.password(), name));
      assertTrue(refused.getMessage().contains("databaseName"), refused.getMessage());
    }
    assertThrows(IllegalArgumentException.class,
        () -> Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), null));
  }

  @Test
  void aFailedMigrationIsAStoreException() {
    try (TestDatabase database = TestDatabases.createEmpty()) {
      Jdbc.execute(database.dataSource(), "CREATE TABLE accounts (id text)");

      StoreException failure = assertThrows(StoreException.class,
          () -> Database.migrate(database.dataSource(), Database.Role.CONSUMER));
      assertTrue(failure.getMessage().contains("CONSUMER"), failure.getMessage());
    }
  }

  @Test
  void openGivesAFixedPoolOfReadCommittedConnectionsWithoutAutoCommit() throws SQLException {
    try (HikariDataSource pool = Database.open(admin, "open-test")) {
      try (Connection connection = pool.getConnection()) {
        assertFalse(connection.getAutoCommit());
        assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
        connection.rollback();
      }
      assertEquals(admin.poolSizeMax(), pool.getMaximumPoolSize());
      assertEquals(admin.poolSizeMax(), pool.getMinimumIdle());
      assertEquals(1L, Jdbc.count(pool, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
          + " AND pid = pg_backend_pid()", "open-test"));
    }
  }

  @Test
  void openFailsWithinTheConnectionTimeoutWhenTheServerIsUnreachable() {
    DatabaseSettings unreachable = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "nobody", "", 1,
        1_000, 1_000);
    long startNanos = System.nanoTime();

    assertThrows(RuntimeException.class, () -> Database.open(unreachable, "unreachable").close());

    assertTrue(System.nanoTime() - startNanos < Duration.ofSeconds(20).toNanos());
  }

  @Test
  void seedingRefusesAmountsOffTheCurrencyScale() {
    Account offScale = new Account("alice", Currency.EUR, new BigDecimal("10.5"), false, null);

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> Accounts.insertIfAbsent(new HikariDataSource(), List.of(offScale), 1_000));

    assertTrue(refused.getMessage().contains("alice"), refused.getMessage());
  }
}

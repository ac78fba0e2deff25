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

  /**
   * A lookup prepared while its table was empty must not keep the plan made then (a scan of the
   * whole table) once the table has grown: the pool plans every execution for its parameters, so a
   * statement prepared on the server never runs a cached generic plan.
   */
  @Test
  void aServerPreparedStatementIsNeverRunFromACachedGenericPlan() throws SQLException {
    try (TestDatabase database = TestDatabases.createEmpty();
        HikariDataSource pool = database.openPool("plan-test")) {
      try (Connection connection = pool.getConnection()) {
        connection.createStatement().execute("CREATE TABLE grows (id uuid PRIMARY KEY)");
        connection.commit();
        try (var lookup = connection.prepareStatement("SELECT id FROM grows WHERE id = ANY(?) FOR UPDATE")) {
          Object[] batch = new Object[200]; // a batch's worth: a generic plan guesses 10 and looks cheaper
          java.util.Arrays.setAll(batch, i -> java.util.UUID.randomUUID());
          java.sql.Array ids = connection.createArrayOf("uuid", batch);
          for (int i = 0; i < 12; i++) { // past pgjdbc's prepare threshold and PostgreSQL's five custom plans
            lookup.setArray(1, ids);
            lookup.executeQuery().close();
          }
        }
        try (var plans = connection.createStatement().executeQuery("SELECT generic_plans, custom_plans"
            + " FROM pg_prepared_statements WHERE statement LIKE 'SELECT id FROM grows%'")) {
          assertTrue(plans.next(), "the lookup was not prepared on the server");
          assertEquals(0, plans.getLong(1), "executions run from a cached generic plan");
          assertTrue(plans.getLong(2) >= 6, "custom plans: " + plans.getLong(2));
        }
        connection.rollback();
      }
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

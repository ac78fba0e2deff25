package io.natsbank.testing;

import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh, uniquely named PostgreSQL databases for tests, on the server named by the environment:
 * {@code NATSBANK_TEST_PG_URL} (default {@value #DEFAULT_ADMIN_URL}), {@code NATSBANK_TEST_PG_USER}
 * (default {@code postgres}) and {@code NATSBANK_TEST_PG_PASSWORD} (default empty). No Docker needed.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.create(Database.Role.PRODUCER)) {
 *   ProducerStore store = new PgProducerStore(db.dataSource(), db.settings().statementTimeoutMillis());
 * }
 * }</pre>
 */
public final class TestDatabases {
  public static final String DEFAULT_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  /** Every database made here starts with this, so that leftovers of a killed run are easy to find. */
  public static final String NAME_PREFIX = "nbtest_";

  public static final int POOL_SIZE_MAX = 4;
  public static final long STATEMENT_TIMEOUT_MILLIS = 15_000;
  public static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

  private TestDatabases() {}

  /** A fresh database migrated for {@code role}, with an open pool; closing the handle drops it. */
  public static TestDatabase create(Database.Role role) {
    TestDatabase database = createEmpty();
    try {
      Database.migrate(database.dataSource(), role);
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** A fresh database without any schema, with an open pool; closing the handle drops it. */
  public static TestDatabase createEmpty() {
    DatabaseSettings admin = adminSettings(System.getenv());
    String name = uniqueName();
    Database.createDatabaseIfAbsent(admin.jdbcUrl(), admin.user(), admin.password(), name);
    return new TestDatabase(admin, name);
  }

  /** The settings of the administrative database, from the environment (or the defaults). */
  public static DatabaseSettings adminSettings(Map<String, String> environment) {
    return new DatabaseSettings(
        environment.getOrDefault("NATSBANK_TEST_PG_URL", DEFAULT_ADMIN_URL),
        environment.getOrDefault("NATSBANK_TEST_PG_USER", "postgres"),
        environment.getOrDefault("NATSBANK_TEST_PG_PASSWORD", ""),
        POOL_SIZE_MAX,
        STATEMENT_TIMEOUT_MILLIS,
        CONNECTION_TIMEOUT_MILLIS);
  }

  /** nbtest_ + time + random: unique across the concurrent test runs that share one server. */
  static String uniqueName() {
    String time = Long.toString(System.currentTimeMillis(), 36);
    String random = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    return (NAME_PREFIX + time + "_" + random).toLowerCase(Locale.ROOT);
  }
}

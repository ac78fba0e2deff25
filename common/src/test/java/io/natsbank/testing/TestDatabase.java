package io.natsbank.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import java.util.ArrayList;
import java.util.List;

/** A database made by {@link TestDatabases}: its settings, an open pool, and more pools on demand. Close drops it. */
public final class TestDatabase implements AutoCloseable {
  private final DatabaseSettings admin;
  private final String name;
  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;
  private final List<HikariDataSource> pools = new ArrayList<>();

  TestDatabase(DatabaseSettings admin, String name) {
    this.admin = admin;
    this.name = name;
    this.settings = admin.withDatabase(name);
    try {
      this.dataSource = openPool("main");
    } catch (RuntimeException e) {
      drop();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  public long statementTimeoutMillis() {
    return settings.statementTimeoutMillis();
  }

  /** Another pool on the same database, as a second instance of a participant would have; closed with this. */
  public synchronized HikariDataSource openPool(String poolName) {
    return openPool(poolName, settings);
  }

  /** Another pool with other settings (another statement timeout, say); closed with this. */
  public synchronized HikariDataSource openPool(String poolName, DatabaseSettings poolSettings) {
    HikariDataSource pool = Database.open(poolSettings, name + "-" + poolName);
    pools.add(pool);
    return pool;
  }

  /**
   * A pool of one connection, so that every statement through it runs on one backend: a test that
   * reads the statistics can flush that backend's on demand and know they are all there.
   */
  public synchronized HikariDataSource openSingleConnectionPool(String poolName) {
    return openPool(poolName, new DatabaseSettings(settings.jdbcUrl(), settings.user(), settings.password(), 1,
        settings.statementTimeoutMillis(), settings.connectionTimeoutMillis()));
  }

  @Override
  public synchronized void close() {
    try {
      pools.forEach(HikariDataSource::close);
      pools.clear();
    } finally {
      drop();
    }
  }

  private void drop() {
    Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), name);
  }
}

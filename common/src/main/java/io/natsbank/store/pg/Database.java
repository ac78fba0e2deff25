package io.natsbank.store.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.node.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Opening, migrating, creating and dropping a participant's database. Every method is a plain
 * function of its arguments: the pool it opens belongs to the caller, who closes it.
 */
public final class Database {

  /** Which schema a database holds. */
  public enum Role {
    PRODUCER("classpath:db/producer"),
    CONSUMER("classpath:db/consumer");

    private final String migrationsLocation;

    Role(String migrationsLocation) {
      this.migrationsLocation = migrationsLocation;
    }

    public String migrationsLocation() {
      return migrationsLocation;
    }
  }

  /** Names this code creates and drops: they are spliced into SQL, so they are kept this plain. */
  public static final Pattern DATABASE_NAME = Pattern.compile("[a-z0-9_]{1,63}");

  /** Limits of the statements run on the administrative connection (CREATE/DROP DATABASE). */
  static final int ADMIN_STATEMENT_TIMEOUT_SECONDS = 60;
  static final int ADMIN_CONNECT_TIMEOUT_SECONDS = 10;

  /**
   * Flyway tries the migration lock once a second: a replica that starts while another migrates
   * waits at most this many seconds before giving up (Flyway's own default is 50).
   */
  static final int MIGRATION_LOCK_RETRIES_MAX = 300;

  /** How much longer than the statement timeout a socket read may block before the connection is dropped. */
  static final int SOCKET_TIMEOUT_MARGIN_SECONDS = 60;
  /** How often idle pooled connections are checked, so that dead ones are replaced before use. */
  static final long POOL_KEEPALIVE_MILLIS = 60_000;
  /** How long a pooled connection lives before it is replaced (below any server or proxy idle cut-off). */
  static final long POOL_CONNECTION_LIFETIME_MAX_MILLIS = 1_800_000;
  static final long POOL_VALIDATION_TIMEOUT_MAX_MILLIS = 5_000;

  private static final String DUPLICATE_DATABASE = "42P04";
  private static final String UNIQUE_VIOLATION = "23505";

  private Database() {}

  /**
   * Outside store transactions every statement is planned for its parameters, never from a cached
   * generic plan. pgjdbc prepares a statement on the server after a few executions, and PostgreSQL
   * then caches a generic plan; one made while a table was new and small (a fresh database, no
   * statistics yet) scans the whole table, and kept doing so on every call as the table grew:
   * measured, the producer's {@code id = ANY(?)} lookups read 43 million rows in 1,846 scans in a
   * 40 s benchmark, most of its database time. Store transactions, where planning every statement
   * costs more, use generic plans with sequential scans off instead ({@link PgTransactions#PLANNER_SQL}).
   */
  static final String PLAN_CACHE_MODE = "force_custom_plan";

  /**
   * Opens a fixed-size pool of READ COMMITTED connections with auto-commit off. The stores set
   * auto-commit themselves, so any DataSource works with them; this is the one they are tuned for.
   */
  public static HikariDataSource open(DatabaseSettings settings, String poolName) {
    Objects.requireNonNull(settings, "settings");
    if (poolName == null || poolName.isBlank()) {
      throw new IllegalArgumentException("poolName must not be empty");
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSizeMax());
    config.setMinimumIdle(settings.poolSizeMax());
    config.setConnectionTimeout(settings.connectionTimeoutMillis());
    config.setValidationTimeout(Math.min(settings.connectionTimeoutMillis(), POOL_VALIDATION_TIMEOUT_MAX_MILLIS));
    config.setInitializationFailTimeout(settings.connectionTimeoutMillis());
    config.setKeepaliveTime(POOL_KEEPALIVE_MILLIS);
    config.setMaxLifetime(POOL_CONNECTION_LIFETIME_MAX_MILLIS);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setDataSourceProperties(driverProperties(settings, poolName));
    return new HikariDataSource(config);
  }

  private static Properties driverProperties(DatabaseSettings settings, String applicationName) {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", applicationName);
    properties.setProperty("connectTimeout", Long.toString(secondsRoundedUp(settings.connectionTimeoutMillis())));
    properties.setProperty("socketTimeout",
        Integer.toString(settings.queryTimeoutSeconds() + SOCKET_TIMEOUT_MARGIN_SECONDS));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("options", "-c plan_cache_mode=" + PLAN_CACHE_MODE);
    properties.setProperty("binaryTransferEnable", ArrayParameter.binaryArrayOids());
    return properties;
  }

  /**
   * Brings the schema of {@code role} up to date. Safe when several replicas start at once: Flyway
   * holds a PostgreSQL advisory lock while it migrates, the others wait (polling once a second, at
   * most {@link #MIGRATION_LOCK_RETRIES_MAX} times) and then find nothing to do. Migrations run on
   * the pool's connections, so each of their statements is bounded by the pool's socket timeout.
   */
  public static void migrate(DataSource dataSource, Role role) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(role, "role");
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(role.migrationsLocation())
          .failOnMissingLocations(true)
          .lockRetryCount(MIGRATION_LOCK_RETRIES_MAX)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException("migrating the " + role + " schema failed: " + e.getMessage(), e);
    }
  }

  /**
   * Creates the database unless it exists. Tolerates another process creating it at the same moment.
   *
   * @return true if this call created it
   */
  public static boolean createDatabaseIfAbsent(
      String adminJdbcUrl, String user, String password, String databaseName) {
    requireDatabaseName(databaseName);
    try (Connection connection = adminConnection(adminJdbcUrl, user, password)) {
      if (databaseExists(connection, databaseName)) {
        return false;
      }
      execute(connection, "CREATE DATABASE \"" + databaseName + "\"");
      return true;
    } catch (SQLException e) {
      if (DUPLICATE_DATABASE.equals(e.getSQLState()) || UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw new StoreException("creating database " + databaseName + " failed: " + e.getMessage(), e);
    }
  }

  /** Drops the database if it exists, ending the sessions still connected to it. */
  public static void dropDatabaseIfExists(String adminJdbcUrl, String user, String password, String databaseName) {
    requireDatabaseName(databaseName);
    try (Connection connection = adminConnection(adminJdbcUrl, user, password)) {
      execute(connection, "DROP DATABASE IF EXISTS \"" + databaseName + "\" WITH (FORCE)");
    } catch (SQLException e) {
      throw new StoreException("dropping database " + databaseName + " failed: " + e.getMessage(), e);
    }
  }

  /** Whether the server behind {@code adminJdbcUrl} holds a database of that name. */
  public static boolean databaseExists(String adminJdbcUrl, String user, String password, String databaseName) {
    requireDatabaseName(databaseName);
    try (Connection connection = adminConnection(adminJdbcUrl, user, password)) {
      return databaseExists(connection, databaseName);
    } catch (SQLException e) {
      throw new StoreException("looking up database " + databaseName + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The same JDBC URL naming another database: {@code jdbc:postgresql://host:5432/postgres?ssl=false}
   * becomes {@code jdbc:postgresql://host:5432/<databaseName>?ssl=false}.
   */
  public static String jdbcUrlWithDatabase(String jdbcUrl, String databaseName) {
    requireDatabaseName(databaseName);
    String prefix = DatabaseSettings.JDBC_URL_PREFIX + "//";
    if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException("jdbcUrl must start with " + prefix + ", got "
          + (jdbcUrl == null ? "nothing" : "'" + jdbcUrl + "'"));
    }
    int queryStart = jdbcUrl.indexOf('?') < 0 ? jdbcUrl.length() : jdbcUrl.indexOf('?');
    int pathStart = jdbcUrl.indexOf('/', prefix.length());
    int hostsEnd = pathStart < 0 || pathStart > queryStart ? queryStart : pathStart;
    return jdbcUrl.substring(0, hostsEnd) + "/" + databaseName + jdbcUrl.substring(queryStart);
  }

  static String requireDatabaseName(String databaseName) {
    if (databaseName == null || !DATABASE_NAME.matcher(databaseName).matches()) {
      throw new IllegalArgumentException("databaseName must match " + DATABASE_NAME.pattern() + ", got "
          + (databaseName == null ? "nothing" : "'" + databaseName + "'"));
    }
    return databaseName;
  }

  private static Connection adminConnection(String adminJdbcUrl, String user, String password) throws SQLException {
    if (adminJdbcUrl == null || !adminJdbcUrl.startsWith(DatabaseSettings.JDBC_URL_PREFIX)) {
      throw new IllegalArgumentException("adminJdbcUrl must start with " + DatabaseSettings.JDBC_URL_PREFIX);
    }
    Properties properties = new Properties();
    properties.setProperty("user", Objects.requireNonNull(user, "user"));
    properties.setProperty("password", password == null ? "" : password);
    properties.setProperty("ApplicationName", "nats-bank-admin");
    properties.setProperty("connectTimeout", Integer.toString(ADMIN_CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", Integer.toString(ADMIN_CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("socketTimeout", Integer.toString(ADMIN_STATEMENT_TIMEOUT_SECONDS + SOCKET_TIMEOUT_MARGIN_SECONDS));
    return DriverManager.getConnection(adminJdbcUrl, properties);
  }

  private static boolean databaseExists(Connection connection, String databaseName) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setQueryTimeout(ADMIN_STATEMENT_TIMEOUT_SECONDS);
      statement.setString(1, databaseName);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(ADMIN_STATEMENT_TIMEOUT_SECONDS);
      statement.execute(sql);
    }
  }

  private static long secondsRoundedUp(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}

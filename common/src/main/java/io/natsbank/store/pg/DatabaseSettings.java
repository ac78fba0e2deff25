package io.natsbank.store.pg;

import java.util.regex.Pattern;

/**
 * How to reach one participant's PostgreSQL database, and the limits of every use of it. The
 * compact constructor names the bad field; {@link #toString()} never shows the password.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL naming the database
 * @param password may be empty (trust authentication), never null
 * @param poolSizeMax the number of connections in the pool (the pool is fixed-size)
 * @param statementTimeoutMillis the longest any one statement may run (JDBC rounds it up to whole seconds)
 * @param connectionTimeoutMillis the longest a caller waits for a connection from the pool
 */
public record DatabaseSettings(
    String jdbcUrl,
    String user,
    String password,
    int poolSizeMax,
    long statementTimeoutMillis,
    long connectionTimeoutMillis) {

  public static final String JDBC_URL_PREFIX = "jdbc:postgresql:";
  public static final int POOL_SIZE_MAX = 256;
  public static final long STATEMENT_TIMEOUT_MAX_MILLIS = 3_600_000;
  /** HikariCP refuses connection timeouts below 250 ms. */
  public static final long CONNECTION_TIMEOUT_MIN_MILLIS = 250;
  public static final long CONNECTION_TIMEOUT_MAX_MILLIS = 600_000;

  private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

  public DatabaseSettings {
    if (jdbcUrl == null || !jdbcUrl.startsWith(JDBC_URL_PREFIX)) {
      throw new IllegalArgumentException("jdbcUrl must start with " + JDBC_URL_PREFIX + ", got "
          + (jdbcUrl == null ? "nothing" : "'" + jdbcUrl + "'"));
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("user must not be empty");
    }
    if (password == null) {
      throw new IllegalArgumentException("password must not be null (use an empty password for trust authentication)");
    }
    requireWithin("poolSizeMax", poolSizeMax, 1, POOL_SIZE_MAX);
    requireWithin("statementTimeoutMillis", statementTimeoutMillis, 1, STATEMENT_TIMEOUT_MAX_MILLIS);
    requireWithin("connectionTimeoutMillis", connectionTimeoutMillis,
        CONNECTION_TIMEOUT_MIN_MILLIS, CONNECTION_TIMEOUT_MAX_MILLIS);
  }

  /** The JDBC query timeout: the statement timeout rounded up to whole seconds, at least one. */
  public int queryTimeoutSeconds() {
    return queryTimeoutSeconds(statementTimeoutMillis);
  }

  /** Rounds a timeout in milliseconds up to the whole seconds JDBC takes, at least one. */
  public static int queryTimeoutSeconds(long timeoutMillis) {
    if (timeoutMillis < 1 || timeoutMillis > STATEMENT_TIMEOUT_MAX_MILLIS) {
      throw new IllegalArgumentException("statementTimeoutMillis must be within [1, "
          + STATEMENT_TIMEOUT_MAX_MILLIS + "], got " + timeoutMillis);
    }
    return (int) Math.max(1, (timeoutMillis + 999) / 1000);
  }

  /** The same settings for another database on the same server (e.g. one created for a participant). */
  public DatabaseSettings withDatabase(String databaseName) {
    return new DatabaseSettings(Database.jdbcUrlWithDatabase(jdbcUrl, databaseName), user, password, poolSizeMax,
        statementTimeoutMillis, connectionTimeoutMillis);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[jdbcUrl=" + PASSWORD_IN_URL.matcher(jdbcUrl).replaceAll("$1***") + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
        + ", poolSizeMax=" + poolSizeMax + ", statementTimeoutMillis=" + statementTimeoutMillis
        + ", connectionTimeoutMillis=" + connectionTimeoutMillis + "]";
  }

  private static void requireWithin(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be within [" + min + ", " + max + "], got " + value);
    }
  }
}

package io.natsbank.store.pg;

import io.natsbank.protocol.Invariants;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;

/**
 * Small pure helpers for JDBC: timestamps as epoch millis (0 for NULL where a column is optional),
 * decimals at their scale, batch sizes checked.
 */
final class Sql {
  /** The most keys or rows one store call takes: callers batch far fewer, so more is a programmer error. */
  static final int ROWS_PER_CALL_MAX = 10_000;
  /** Keys named in the message of a failed row-count check. */
  static final int ROWS_SHOWN_MAX = 5;

  @FunctionalInterface
  interface ConnectionAction<T> {
    T run(Connection connection) throws SQLException;
  }

  private Sql() {}

  static PreparedStatement prepare(Connection connection, String sql, int queryTimeoutSeconds) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      statement.setQueryTimeout(queryTimeoutSeconds);
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  static void checkSize(String what, Collection<?> items) {
    Invariants.check(items.size() <= ROWS_PER_CALL_MAX, what + " takes at most " + ROWS_PER_CALL_MAX + " items",
        items.size() + " items");
  }

  static void setInstant(PreparedStatement statement, int index, long epochMillis) throws SQLException {
    statement.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
  }

  /** The column as epoch millis; NULL reads as 0. */
  static long epochMillis(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? 0 : value.toInstant().toEpochMilli();
  }

  /** A numeric column at exactly {@code scale} decimals; a stored value with more decimals is a broken invariant. */
  static BigDecimal decimal(ResultSet row, String column, int scale) throws SQLException {
    BigDecimal value = row.getBigDecimal(column);
    if (value == null) {
      return null;
    }
    // the cheap scale test first: stripping trailing zeros divides, and almost every value passes without it
    boolean withinScale = value.scale() <= scale || value.stripTrailingZeros().scale() <= scale;
    Invariants.check(withinScale, "stored amounts have at most the currency's " + scale + " decimals",
        column + "=" + value.toPlainString());
    return value.setScale(scale, RoundingMode.UNNECESSARY);
  }

  /**
   * {@code UPDATE table t SET set FROM unnest(arrays) AS u(columns) WHERE t.id = u.id}: one statement
   * that writes every row of a batch, one array per column ({@code types}, the first the ids), each
   * row found by its primary key.
   */
  static String updateByKey(String table, String set, String columns, String... types) {
    return "UPDATE " + table + " t SET " + set + " FROM unnest(" + arrayParameters(types) + ") AS u(" + columns
        + ") WHERE t.id = u.id";
  }

  /**
   * {@link #updateByKey} with the rows' locations as one more array, the last parameter: each row is
   * read from its page ({@link RowLocation}, a TID scan), and written only if the row there still has
   * the id it is written for, so a location gone stale writes nothing and fails the row-count check.
   * The id test is written so that it cannot be an index condition: on a small table the planner
   * finds a descent of the primary key cheaper than the page read, and a store transaction keeps the
   * plan it made first ({@link PgTransactions#PLANNER_SQL}) however large the table grows.
   */
  static String updateByLocation(String table, String set, String columns, String... types) {
    return "UPDATE " + table + " t SET " + set + " FROM unnest(" + arrayParameters(withLocation(types)) + ") AS u("
        + columns + ", row_location) WHERE t.ctid = u.row_location AND (t.id = u.id) IS TRUE";
  }

  /** The element types of {@link #updateByLocation}'s arrays: {@code types}, then the locations'. */
  static String[] withLocation(String... types) {
    String[] withLocation = Arrays.copyOf(types, types.length + 1);
    withLocation[types.length] = ArrayParameter.Element.TID.typeName;
    return withLocation;
  }

  /** {@code ?::uuid[], ?::text[], ...}: one array parameter per element type, for {@code unnest}. */
  static String arrayParameters(String... types) {
    StringBuilder parameters = new StringBuilder();
    for (String type : types) {
      parameters.append(parameters.isEmpty() ? "" : ", ").append("?::").append(type).append("[]");
    }
    return parameters.toString();
  }
}

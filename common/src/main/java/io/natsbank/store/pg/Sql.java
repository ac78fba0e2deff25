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

  /** {@code ?::uuid[], ?::text[], ...}: one array parameter per element type, for {@code unnest}. */
  static String arrayParameters(String... types) {
    StringBuilder parameters = new StringBuilder();
    for (String type : types) {
      parameters.append(parameters.isEmpty() ? "" : ", ").append("?::").append(type).append("[]");
    }
    return parameters.toString();
  }
}

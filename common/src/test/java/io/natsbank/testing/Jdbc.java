package io.natsbank.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Plain SQL for tests: set-up, look-ups and checks straight on a database, each in its own transaction. */
public final class Jdbc {
  public static final int QUERY_TIMEOUT_SECONDS = 30;

  private Jdbc() {}

  /** Runs one statement with parameters and commits; returns the row count. */
  public static int execute(DataSource dataSource, String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = prepare(connection, sql, parameters)) {
        statement.execute();
        return Math.max(0, statement.getUpdateCount());
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of every row, as the driver returns it. */
  public static List<Object> column(DataSource dataSource, String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = prepare(connection, sql, parameters);
          ResultSet rows = statement.executeQuery()) {
        List<Object> values = new ArrayList<>();
        while (rows.next()) {
          values.add(rows.getObject(1));
        }
        return values;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** The single value of a query that returns one row and one column. */
  public static Object value(DataSource dataSource, String sql, Object... parameters) {
    List<Object> values = column(dataSource, sql, parameters);
    if (values.size() != 1) {
      throw new IllegalStateException("expected one row from " + sql + ", got " + values.size());
    }
    return values.get(0);
  }

  public static long count(DataSource dataSource, String sql, Object... parameters) {
    return ((Number) value(dataSource, sql, parameters)).longValue();
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
    for (int index = 0; index < parameters.length; index++) {
      statement.setObject(index + 1, parameters[index]);
    }
    return statement;
  }
}

package io.natsbank.store.pg;

import io.natsbank.protocol.Invariants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Statements that travel to the server together and are answered together. pgjdbc sends each
 * statement of a multi-statement string (its Parse, Bind and Execute) and then a single Sync, so
 * the server runs them one after the other, in order, inside the same transaction, and the client
 * waits once instead of once per statement. A batch that locks, reads and writes five tables thus
 * costs one wait for the reads, one for the writes and one for the commit: every wait on a shared
 * two-core machine is two context switches and a turn in the run queue for the backend and the JVM.
 *
 * <p>Each statement brings its own parameters (bound in order) and its own reader: the rows of a
 * query, or the row count of a write, which it checks. If a statement fails, the server skips the
 * rest and the whole transaction is rolled back by the caller.
 */
final class RoundTrip {
  /** Binds one statement's parameters, in the order its {@code ?} appear. */
  @FunctionalInterface
  interface Binding {
    void bind(Parameters parameters) throws SQLException;
  }

  /** Reads the rows one query returned. */
  @FunctionalInterface
  interface Rows {
    void read(ResultSet rows) throws SQLException;
  }

  /** Checks the row count one write reported (an always-on invariant check, typically). */
  @FunctionalInterface
  interface Count {
    void check(int rowCount);
  }

  /** Either {@code rows} or {@code count} is set: a query or a write. */
  private record Statement(String what, String sql, Binding binding, Rows rows, Count count) {}

  private static final Binding NO_PARAMETERS = parameters -> { };
  private static final Count ANY_COUNT = rowCount -> { };

  private final List<Statement> statements = new ArrayList<>();

  /** Adds a query whose rows go to {@code rows}. */
  RoundTrip query(String what, String sql, Binding binding, Rows rows) {
    statements.add(new Statement(what, checkedSql(sql), binding, rows, null));
    return this;
  }

  /** Adds a write whose row count goes to {@code count}. */
  RoundTrip update(String what, String sql, Binding binding, Count count) {
    statements.add(new Statement(what, checkedSql(sql), binding, null, count));
    return this;
  }

  /** Adds a statement without parameters whose outcome matters only if it fails (a SET, say). */
  RoundTrip command(String what, String sql) {
    return update(what, sql, NO_PARAMETERS, ANY_COUNT);
  }

  boolean isEmpty() {
    return statements.isEmpty();
  }

  int size() {
    return statements.size();
  }

  /** What the statements do, for a failure's message: "locking 3 transfer ids, reading 3 transfers". */
  String describe() {
    StringBuilder description = new StringBuilder();
    for (Statement statement : statements) {
      description.append(description.isEmpty() ? "" : ", ").append(statement.what());
    }
    return description.toString();
  }

  /** Sends every statement, then reads and checks every result, in order. */
  void run(Connection connection) throws SQLException {
    if (statements.isEmpty()) {
      return;
    }
    try (PreparedStatement prepared = connection.prepareStatement(sql())) {
      Parameters parameters = new Parameters(connection, prepared);
      for (Statement statement : statements) {
        statement.binding().bind(parameters);
      }
      boolean isRows = prepared.execute();
      for (int index = 0; index < statements.size(); index++) {
        if (index > 0) {
          isRows = prepared.getMoreResults();
        }
        read(prepared, statements.get(index), isRows);
      }
    }
  }

  private static void read(PreparedStatement prepared, Statement statement, boolean isRows) throws SQLException {
    if (statement.rows() != null) {
      Invariants.check(isRows, "a query of a round trip returns rows", statement.what());
      try (ResultSet rows = prepared.getResultSet()) {
        statement.rows().read(rows);
      }
    } else {
      Invariants.check(!isRows, "a write of a round trip returns a row count", statement.what());
      statement.count().check(prepared.getUpdateCount());
    }
  }

  String sql() {
    StringBuilder sql = new StringBuilder();
    for (Statement statement : statements) {
      sql.append(sql.isEmpty() ? "" : ";\n").append(statement.sql());
    }
    return sql.toString();
  }

  /** One statement per entry: a semicolon inside one would split it in two and shift every parameter after it. */
  private static String checkedSql(String sql) {
    Invariants.check(sql.indexOf(';') < 0, "a statement of a round trip holds no semicolon", sql);
    return sql;
  }

  /** The parameters of the whole round trip, bound one after the other. */
  static final class Parameters {
    private final Connection connection;
    private final PreparedStatement statement;
    private int next = 1;

    private Parameters(Connection connection, PreparedStatement statement) {
      this.connection = connection;
      this.statement = statement;
    }

    Parameters array(String elementType, Object[] values) throws SQLException {
      statement.setArray(next++, connection.createArrayOf(elementType, values));
      return this;
    }

    /** Sorted: the server then takes locks and reads index pages in key order. */
    Parameters uuids(Collection<UUID> ids) throws SQLException {
      return array("uuid", new TreeSet<>(ids).toArray());
    }

    Parameters texts(Collection<String> values) throws SQLException {
      return array("text", new TreeSet<>(values).toArray());
    }

    Parameters bigints(Collection<Long> values) throws SQLException {
      return array("bigint", new TreeSet<>(values).toArray());
    }

    Parameters instant(long epochMillis) throws SQLException {
      Sql.setInstant(statement, next++, epochMillis);
      return this;
    }

    Parameters text(String value) throws SQLException {
      statement.setString(next++, value);
      return this;
    }

    Parameters integer(int value) throws SQLException {
      statement.setInt(next++, value);
      return this;
    }

    /** Every column of {@code columns}, one array parameter each. */
    Parameters columns(ColumnArrays columns) throws SQLException {
      next = columns.bind(connection, statement, next);
      return this;
    }
  }
}

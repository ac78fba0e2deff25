package io.natsbank.store.pg;

import io.natsbank.protocol.Invariants;
import io.natsbank.protocol.Invariants.InvariantViolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Statements that travel to the server together and are answered together. pgjdbc sends each
 * statement of a multi-statement string (its Parse, Bind and Execute) and then a single Sync, so
 * the server runs them one after the other, in order, inside the same transaction, and the client
 * waits once instead of once per statement. A batch that locks, reads and writes five tables thus
 * costs one wait for the reads, one for the writes and one for the commit: every wait on a shared
 * two-core machine is two context switches and a turn in the run queue for the backend and the JVM.
 *
 * <p>Each statement brings its own parameters (bound in order) and its own reader: the rows of a
 * query, or the row count of a write. A write names the number of rows it must touch, and the server
 * checks it inside the statement ({@code natsbank_expect_rows}, the schemas' migrations): a wrong
 * count fails the statement there, with SQLSTATE {@value #WRONG_ROW_COUNT_SQL_STATE}, and comes back
 * as an {@link InvariantViolation}. If a statement fails, the server skips the rest, a COMMIT among
 * them, and the whole transaction is rolled back by the caller. That is what lets a transaction's
 * last writes and its commit travel together ({@link #commit}): nothing the client reads afterwards
 * can still refuse them.
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

  /**
   * How many rows a write must touch, checked by the server: {@code invariant} names the check in a
   * failure's message ("insert into entries"), {@code keys} the rows it was for (the first few are
   * shown when the count is wrong). A write of one row per key must report exactly that many rows:
   * an UPDATE joined on the key touches each stored row at most once, so the count can only match
   * when the keys are distinct and every one of them was found; anything else is a programmer error.
   */
  record RowCount(String invariant, int rows, Supplier<List<?>> keys) {
    RowCount {
      Invariants.check(rows >= 0, "a write touches zero rows or more", rows);
    }

    /** One row per element of {@code rows}, each shown by its key. */
    static <T> RowCount eachOnce(String invariant, List<T> rows, Function<T, ?> keyOf) {
      return new RowCount(invariant, rows.size(), () -> rows.stream().map(keyOf).toList());
    }

    String invariantSentence() {
      return invariant + " touches each of its rows exactly once";
    }

    /** The first few keys, for a failure's message. */
    List<?> firstKeys() {
      List<?> all = keys.get();
      return all.subList(0, Math.min(all.size(), Sql.ROWS_SHOWN_MAX));
    }
  }

  /** The SQLSTATE natsbank_expect_rows raises for a write that touched the wrong number of rows. */
  static final String WRONG_ROW_COUNT_SQL_STATE = "NB001";
  static final String COMMIT_SQL = "COMMIT";

  /** Either {@code rows} or {@code count} is set: a query or a write; a command has neither. */
  private record Statement(String what, String sql, Binding binding, Rows rows, RowCount count) {}

  private static final Binding NO_PARAMETERS = parameters -> { };

  private final List<Statement> statements = new ArrayList<>();
  private boolean committing;

  /** Adds a query whose rows go to {@code rows}. */
  RoundTrip query(String what, String sql, Binding binding, Rows rows) {
    checkOpen();
    statements.add(new Statement(what, checkedSql(sql), binding, rows, null));
    return this;
  }

  /**
   * Adds a write ({@code INSERT}, {@code UPDATE} or {@code DELETE}, without a {@code RETURNING} of
   * its own) that must touch exactly {@code count.rows()} rows. It runs as
   * {@code WITH touched AS (<sql> RETURNING 1) SELECT natsbank_expect_rows(count(*), ?, ?) FROM touched},
   * so the server refuses a wrong count before anything after it runs.
   */
  RoundTrip write(String what, String sql, Binding binding, RowCount count) {
    checkOpen();
    String checked = "WITH touched AS (" + checkedSql(sql) + " RETURNING 1)"
        + " SELECT natsbank_expect_rows(count(*), ?, ?) FROM touched";
    Binding withCount = parameters -> {
      binding.bind(parameters);
      parameters.integer(count.rows()).text(count.invariant());
    };
    statements.add(new Statement(what, checked, withCount, null, count));
    return this;
  }

  /** Adds a statement without parameters whose outcome matters only if it fails (a SET, say). */
  RoundTrip command(String what, String sql) {
    checkOpen();
    statements.add(new Statement(what, checkedSql(sql), NO_PARAMETERS, null, null));
    return this;
  }

  /**
   * Ends the round trip with the transaction's COMMIT: the server runs it only if every statement
   * before it succeeded, and answers once it is durable. Nothing may be added after it.
   */
  RoundTrip commit() {
    checkOpen();
    statements.add(new Statement("committing", COMMIT_SQL, NO_PARAMETERS, null, null));
    committing = true;
    return this;
  }

  boolean isCommitting() {
    return committing;
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

  /**
   * Sends every statement, then reads and checks every result, in order. A write the server found
   * touching the wrong number of rows is an {@link InvariantViolation} (the transaction is then
   * aborted on the server); any other failed statement is the SQLException.
   */
  void run(Connection connection) throws SQLException {
    if (statements.isEmpty()) {
      return;
    }
    try (PreparedStatement prepared = connection.prepareStatement(sql())) {
      Parameters parameters = new Parameters(prepared);
      for (Statement statement : statements) {
        statement.binding().bind(parameters);
      }
      boolean isRows;
      try {
        isRows = prepared.execute();
      } catch (SQLException e) {
        if (WRONG_ROW_COUNT_SQL_STATE.equals(SqlFailure.sqlState(e))) {
          throw wrongRowCount(e);
        }
        throw e;
      }
      readAll(prepared, isRows);
    }
  }

  /**
   * pgjdbc has every result by the time {@code execute} returns, so a failure while reading them
   * comes from a reader: in a committing round trip the transaction has committed by then, and the
   * failure says so (it would otherwise read as if the writes had been rolled back).
   */
  private void readAll(PreparedStatement prepared, boolean firstIsRows) throws SQLException {
    boolean isRows = firstIsRows;
    for (int index = 0; index < statements.size(); index++) {
      if (index > 0) {
        isRows = prepared.getMoreResults();
      }
      try {
        read(prepared, statements.get(index), isRows);
      } catch (RuntimeException e) {
        if (!committing) {
          throw e;
        }
        InvariantViolation afterCommit = new InvariantViolation("reading the results of a round trip that"
            + " committed failed; the transaction's writes are kept: " + e.getMessage());
        afterCommit.initCause(e);
        throw afterCommit;
      }
    }
  }

  /** natsbank_expect_rows refusing a write, as the broken invariant it is, with the write's first keys. */
  private InvariantViolation wrongRowCount(SQLException failure) {
    String serverMessage = serverMessage(failure);
    String keys = "";
    for (Statement statement : statements) {
      if (statement.count() != null && serverMessage.startsWith(statement.count().invariantSentence())) {
        keys = ", first keys " + statement.count().firstKeys();
        break;
      }
    }
    InvariantViolation violation = new InvariantViolation("invariant broken: " + serverMessage + keys);
    violation.initCause(failure);
    return violation;
  }

  private static String serverMessage(SQLException failure) {
    for (SQLException each = failure; each != null; each = each.getNextException()) {
      if (each instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        ServerErrorMessage message = psql.getServerErrorMessage();
        if (WRONG_ROW_COUNT_SQL_STATE.equals(message.getSQLState())) {
          return message.getMessage();
        }
      }
    }
    return String.valueOf(failure.getMessage());
  }

  private static void read(PreparedStatement prepared, Statement statement, boolean isRows) throws SQLException {
    if (statement.rows() != null) {
      Invariants.check(isRows, "a query of a round trip returns rows", statement.what());
      try (ResultSet rows = prepared.getResultSet()) {
        statement.rows().read(rows);
      }
    } else if (statement.count() != null) {
      Invariants.check(isRows, "a write of a round trip returns its checked row count", statement.what());
      try (ResultSet rows = prepared.getResultSet()) {
        Invariants.check(rows.next(), "a write of a round trip returns one row", statement.what());
        RowCount expected = statement.count();
        long touched = rows.getLong(1);
        if (touched != expected.rows()) {
          Invariants.check(false, expected.invariantSentence(),
              touched + " rows touched for " + expected.rows() + " keys, first keys " + expected.firstKeys());
        }
      }
    } else {
      Invariants.check(!isRows, "a command of a round trip returns no rows", statement.what());
    }
  }

  private void checkOpen() {
    Invariants.check(!committing, "nothing is added to a round trip after its COMMIT", describe());
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
    private final PreparedStatement statement;
    private int next = 1;

    private Parameters(PreparedStatement statement) {
      this.statement = statement;
    }

    Parameters array(ArrayParameter.Element element, Object[] values) throws SQLException {
      statement.setObject(next++, new ArrayParameter(element, values));
      return this;
    }

    /** Sorted: the server then takes locks and reads index pages in key order. */
    Parameters uuids(Collection<UUID> ids) throws SQLException {
      return array(ArrayParameter.Element.UUID, new TreeSet<>(ids).toArray());
    }

    Parameters texts(Collection<String> values) throws SQLException {
      return array(ArrayParameter.Element.TEXT, new TreeSet<>(values).toArray());
    }

    Parameters bigints(Collection<Long> values) throws SQLException {
      return array(ArrayParameter.Element.INT8, new TreeSet<>(values).toArray());
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
      next = columns.bind(statement, next);
      return this;
    }
  }
}

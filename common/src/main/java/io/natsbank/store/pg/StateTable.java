package io.natsbank.store.pg;

import io.natsbank.protocol.Invariants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The statements a participant runs on its table of transfer states (the producer's
 * {@code transfers}, the consumer's {@code postings}): one row per transfer id, found, locked,
 * claimed for a re-send, and inserted and updated a whole batch per statement ({@link ColumnArrays}).
 */
final class StateTable<T> {
  /** Puts one row's values into the current row of the column arrays. */
  @FunctionalInterface
  interface RowWriter<T> {
    void write(ColumnArrays columns, T row);
  }

  @FunctionalInterface
  interface Mapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /**
   * The SQL of one table. The insert and the update take one array parameter per entry of their
   * types; {@code claimDueSql} takes (now, limit) and must match the table's partial index.
   */
  record Statements(String table, String columns, String insertSql, String[] insertTypes, String updateSql,
      String[] updateTypes, String claimDueSql) {
    String findSql() {
      return "SELECT " + columns + " FROM " + table + " WHERE id = ?";
    }

    String findForUpdateSql() {
      return "SELECT " + columns + " FROM " + table + " WHERE id = ANY(?) ORDER BY id FOR UPDATE";
    }
  }

  private final Statements statements;
  private final Function<T, UUID> idOf;
  private final Mapper<T> mapper;
  private final RowWriter<T> insertWriter;
  private final RowWriter<T> updateWriter;

  StateTable(Statements statements, Function<T, UUID> idOf, Mapper<T> mapper, RowWriter<T> insertWriter,
      RowWriter<T> updateWriter) {
    this.statements = statements;
    this.idOf = idOf;
    this.mapper = mapper;
    this.insertWriter = insertWriter;
    this.updateWriter = updateWriter;
  }

  Statements statements() {
    return statements;
  }

  Optional<T> find(Connection connection, int queryTimeoutSeconds, UUID id) throws SQLException {
    try (PreparedStatement statement = Sql.prepare(connection, statements.findSql(), queryTimeoutSeconds)) {
      statement.setObject(1, id);
      List<T> rows = readAll(statement);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  Map<UUID, T> findForUpdate(PgTx tx, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Sql.checkSize("findForUpdate", ids);
    return tx.run("locking " + ids.size() + " " + statements.table(), () -> {
      try (PreparedStatement statement = tx.prepare(statements.findForUpdateSql())) {
        statement.setArray(1, Sql.uuidArray(tx.connection(), ids));
        Map<UUID, T> found = new HashMap<>();
        readAll(statement).forEach(row -> found.put(idOf.apply(row), row));
        return found;
      }
    });
  }

  List<T> claimDue(PgTx tx, long nowMillis, int limit) {
    Invariants.check(limit >= 0 && limit <= Sql.ROWS_PER_CALL_MAX, "claimDue limit within [0, "
        + Sql.ROWS_PER_CALL_MAX + "]", limit);
    if (limit == 0) {
      return List.of();
    }
    return tx.run("claiming due " + statements.table(), () -> {
      try (PreparedStatement statement = tx.prepare(statements.claimDueSql())) {
        Sql.setInstant(statement, 1, nowMillis);
        statement.setInt(2, limit);
        return readAll(statement);
      }
    });
  }

  void insert(PgTx tx, Collection<T> rows) {
    write(tx, rows, statements.insertSql(), statements.insertTypes(), insertWriter,
        "insert into " + statements.table());
  }

  void update(PgTx tx, Collection<T> rows) {
    write(tx, rows, statements.updateSql(), statements.updateTypes(), updateWriter,
        "update of " + statements.table());
  }

  /** Writes every row in one statement; each must be touched exactly once (distinct ids, all present). */
  private void write(PgTx tx, Collection<T> rows, String sql, String[] types, RowWriter<T> writer, String what) {
    if (rows.isEmpty()) {
      return;
    }
    Sql.checkSize(what, rows);
    ColumnArrays columns = new ColumnArrays(rows.size(), types);
    for (T row : rows) {
      writer.write(columns.nextRow(), row);
    }
    tx.run(what + " of " + rows.size() + " rows", () -> {
      try (PreparedStatement statement = tx.prepare(sql)) {
        columns.bind(tx.connection(), statement, 1);
        Sql.checkTouchedEachOnce(statement.executeUpdate(), what, rows, idOf);
        return null;
      }
    });
  }

  private List<T> readAll(PreparedStatement statement) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet results = statement.executeQuery()) {
      while (results.next()) {
        rows.add(mapper.map(results));
      }
    }
    return rows;
  }
}

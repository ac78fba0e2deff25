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
 * claimed for a re-send, inserted and updated in JDBC batches.
 */
final class StateTable<T> {
  @FunctionalInterface
  interface Binder<T> {
    void bind(PreparedStatement statement, T row) throws SQLException;
  }

  @FunctionalInterface
  interface Mapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** The SQL of one table; {@code claimDueSql} takes (now, limit) and must match the table's partial index. */
  record Statements(String table, String columns, String insertSql, String updateSql, String claimDueSql) {
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
  private final Binder<T> insertBinder;
  private final Binder<T> updateBinder;

  StateTable(Statements statements, Function<T, UUID> idOf, Mapper<T> mapper, Binder<T> insertBinder,
      Binder<T> updateBinder) {
    this.statements = statements;
    this.idOf = idOf;
    this.mapper = mapper;
    this.insertBinder = insertBinder;
    this.updateBinder = updateBinder;
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
    writeBatch(tx, rows, statements.insertSql(), insertBinder, "insert into " + statements.table());
  }

  void update(PgTx tx, Collection<T> rows) {
    writeBatch(tx, rows, statements.updateSql(), updateBinder, "update of " + statements.table());
  }

  private void writeBatch(PgTx tx, Collection<T> rows, String sql, Binder<T> binder, String what) {
    if (rows.isEmpty()) {
      return;
    }
    Sql.checkSize(what, rows);
    List<UUID> ids = rows.stream().map(idOf).toList();
    tx.run(what + " of " + rows.size() + " rows", () -> {
      try (PreparedStatement statement = tx.prepare(sql)) {
        for (T row : rows) {
          binder.bind(statement, row);
          statement.addBatch();
        }
        Sql.checkEachTouchedOneRow(statement.executeBatch(), what, ids);
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

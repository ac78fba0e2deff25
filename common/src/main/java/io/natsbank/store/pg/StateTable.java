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
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The statements a participant runs on its table of transfer states (the producer's
 * {@code transfers}, the consumer's {@code postings}): one row per transfer id, found, locked,
 * claimed for a re-send, and inserted and updated a whole batch per statement ({@link ColumnArrays}).
 *
 * <p>A row this transaction has locked (found for update, or claimed) is updated by its location
 * ({@link RowLocation}), read with the lock, so the update reads its page directly instead of
 * descending the primary key once more. Measured in interleaved closed loops, 1 producer + 1
 * consumer: 9,151 and 8,742 transfers/s against 8,689 and 8,555 without, 180.7 and 191.6 µs of CPU
 * per transfer against 189.4 and 193.9.
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
   * The SQL of one table. The insert takes one array parameter per entry of its types; the update
   * writes {@code updateSet} from arrays of {@code updateTypes} named {@code updateColumns} (the ids
   * first), by key or by location ({@link Sql#updateByKey}, {@link Sql#updateByLocation});
   * {@code claimDueSql} takes (now, limit), must match the table's partial index, and selects
   * {@code ctid} with the columns.
   */
  record Statements(String table, String columns, String insertSql, String[] insertTypes, String updateSet,
      String updateColumns, String[] updateTypes, String claimDueSql) {
    Statements {
      if (!claimDueSql.startsWith("SELECT ctid, ")) {
        throw new IllegalArgumentException(
            "the re-send claim of " + table + " must select ctid first: " + claimDueSql);
      }
    }

    String findSql() {
      return "SELECT " + columns + " FROM " + table + " WHERE id = ?";
    }

    String findForUpdateSql() {
      return "SELECT ctid, " + columns + " FROM " + table + " WHERE id = ANY(?) ORDER BY id FOR UPDATE";
    }

    String updateSql() {
      return Sql.updateByKey(table, updateSet, updateColumns, updateTypes);
    }

    String updateByLocationSql() {
      return Sql.updateByLocation(table, updateSet, updateColumns, updateTypes);
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
      List<T> rows = new ArrayList<>(1);
      try (ResultSet results = statement.executeQuery()) {
        readAll(results, rows::add);
      }
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  Map<UUID, T> findForUpdate(PgTx tx, Collection<UUID> ids) {
    Map<UUID, T> found = queueFindForUpdate(tx, ids);
    tx.send();
    return found;
  }

  /**
   * Queues the locking read of the rows among {@code ids}; the map they go into is filled when the
   * transaction next sends its queue.
   */
  Map<UUID, T> queueFindForUpdate(PgTx tx, Collection<UUID> ids) {
    Map<UUID, T> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    Sql.checkSize("findForUpdate", ids);
    tx.queue().query("locking " + ids.size() + " " + statements.table(), statements.findForUpdateSql(),
        parameters -> parameters.uuids(ids), rows -> readLocked(rows, tx, row -> found.put(idOf.apply(row), row)));
    return found;
  }

  List<T> claimDue(PgTx tx, long nowMillis, int limit) {
    Invariants.check(limit >= 0 && limit <= Sql.ROWS_PER_CALL_MAX, "claimDue limit within [0, "
        + Sql.ROWS_PER_CALL_MAX + "]", limit);
    if (limit == 0) {
      return List.of();
    }
    List<T> claimed = new ArrayList<>();
    tx.queue().query("claiming due " + statements.table(), statements.claimDueSql(),
        parameters -> parameters.instant(nowMillis).integer(limit), rows -> readLocked(rows, tx, claimed::add));
    tx.send();
    return claimed;
  }

  void insert(PgTx tx, Collection<T> rows) {
    write(tx, rows, statements.insertSql(), statements.insertTypes(), insertWriter,
        "insert into " + statements.table());
  }

  /**
   * Queues the update of {@code rows}: by their locations when this transaction has locked every one
   * of them and not written them since, else by key. Either way their locations are forgotten: the
   * update gives each row a new one.
   */
  void update(PgTx tx, Collection<T> rows) {
    Map<UUID, RowLocation> locations = tx.lockedRows();
    boolean located = true;
    for (T row : rows) {
      located &= locations.containsKey(idOf.apply(row));
    }
    String what = "update of " + statements.table();
    if (!located) {
      write(tx, rows, statements.updateSql(), statements.updateTypes(), updateWriter, what);
    } else {
      int locationColumn = statements.updateTypes().length;
      write(tx, rows, statements.updateByLocationSql(), Sql.withLocation(statements.updateTypes()), (columns, row) -> {
        updateWriter.write(columns, row);
        columns.set(locationColumn, locations.get(idOf.apply(row)));
      }, what);
    }
    rows.forEach(row -> locations.remove(idOf.apply(row)));
  }

  /**
   * Queues one statement that writes every row; each must be touched exactly once (distinct ids, all
   * present), which is checked when the statement's count comes back.
   */
  private void write(PgTx tx, Collection<T> rows, String sql, String[] types, RowWriter<T> writer, String what) {
    if (rows.isEmpty()) {
      return;
    }
    Sql.checkSize(what, rows);
    ColumnArrays columns = new ColumnArrays(rows.size(), types);
    for (T row : rows) {
      writer.write(columns.nextRow(), row);
    }
    List<T> written = List.copyOf(rows);
    tx.queue().write(what + " of " + rows.size() + " rows", sql, parameters -> parameters.columns(columns),
        RoundTrip.RowCount.eachOnce(what, written, idOf));
  }

  private void readAll(ResultSet results, Consumer<T> each) throws SQLException {
    while (results.next()) {
      each.accept(mapper.map(results));
    }
  }

  /** {@link #readAll} of rows this transaction has locked, noting where each one is. */
  private void readLocked(ResultSet results, PgTx tx, Consumer<T> each) throws SQLException {
    while (results.next()) {
      T row = mapper.map(results);
      tx.lockedRows().put(idOf.apply(row), RowLocation.parse(results.getString("ctid")));
      each.accept(row);
    }
  }
}

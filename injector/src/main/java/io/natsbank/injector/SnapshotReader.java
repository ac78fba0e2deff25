package io.natsbank.injector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * One participant's database seen through one read-only REPEATABLE READ transaction, so that every
 * query of the audit sees the same snapshot of it. Queries stream: a cursor fetches
 * {@code fetchSize} rows at a time, so memory stays bounded however many transfers there are.
 */
final class SnapshotReader implements AutoCloseable {
  private final String participant;
  private final Connection connection;
  private final int fetchSize;
  private final int queryTimeoutSeconds;

  SnapshotReader(String participant, DataSource dataSource, int fetchSize, int queryTimeoutSeconds) {
    this.participant = participant;
    this.fetchSize = fetchSize;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(false); // a cursor streams only inside a transaction
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
    } catch (SQLException e) {
      throw new AuditException("cannot open the database of " + participant + ": " + e.getMessage(), e);
    }
  }

  String participant() {
    return participant;
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Opens a cursor over {@code sql}, which must return rows ordered by transfer id. */
  <T> Cursor<T> cursor(String sql, RowMapper<T> mapper, Function<T, UUID> idOf,
      BiConsumer<TransferEvidence, T> sink) {
    try {
      PreparedStatement statement = connection.prepareStatement(sql);
      statement.setFetchSize(fetchSize);
      statement.setQueryTimeout(queryTimeoutSeconds);
      return new Cursor<>(participant + ": " + sql.lines().findFirst().orElse(sql), statement,
          statement.executeQuery(), mapper, idOf, sink);
    } catch (SQLException e) {
      throw new AuditException("cannot read the database of " + participant + ": " + e.getMessage(), e);
    }
  }

  /** Streams every row of {@code sql} to {@code handler}. */
  <T> void forEach(String sql, RowMapper<T> mapper, java.util.function.Consumer<T> handler) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setFetchSize(fetchSize);
      statement.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          handler.accept(mapper.map(rows));
        }
      }
    } catch (SQLException e) {
      throw new AuditException("cannot read the database of " + participant + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException e) {
      // read-only: nothing to lose; the pool discards a broken connection
    }
  }

  /**
   * A stream of rows in transfer-id order (PostgreSQL's uuid order, {@link UuidV7#ORDER}); the order
   * is checked as rows arrive, since the merge depends on it.
   */
  static final class Cursor<T> implements AutoCloseable {
    private final String name;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final RowMapper<T> mapper;
    private final Function<T, UUID> idOf;
    private final BiConsumer<TransferEvidence, T> sink;
    private T head;
    private UUID headId;

    private Cursor(String name, PreparedStatement statement, ResultSet rows, RowMapper<T> mapper,
        Function<T, UUID> idOf, BiConsumer<TransferEvidence, T> sink) {
      this.name = name;
      this.statement = statement;
      this.rows = rows;
      this.mapper = mapper;
      this.idOf = idOf;
      this.sink = sink;
      advance();
    }

    /** The transfer id of the next row, or null at the end. */
    UUID peekId() {
      return headId;
    }

    /** Hands the next row to the evidence and moves on. */
    void takeInto(TransferEvidence evidence) {
      sink.accept(evidence, head);
      advance();
    }

    private void advance() {
      try {
        if (!rows.next()) {
          head = null;
          headId = null;
          return;
        }
        T row = mapper.map(rows);
        UUID id = idOf.apply(row);
        if (headId != null && UuidV7.ORDER.compare(headId, id) > 0) {
          throw new IllegalStateException("rows out of transfer id order in " + name + ": " + id + " after "
              + headId);
        }
        head = row;
        headId = id;
      } catch (SQLException e) {
        throw new AuditException("cannot read " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        rows.close();
        statement.close();
      } catch (SQLException e) {
        // closing a read-only cursor: nothing to lose
      }
    }
  }
}

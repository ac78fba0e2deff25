package io.natsbank.store.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

/**
 * What the producer's and the consumer's transactions share: one connection inside one open
 * transaction, and the first failure (so that work which swallowed a failed
 * statement still cannot commit).
 */
abstract class PgTx {
  static final String LOCK_TRANSFER_IDS_SQL =
      "SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k ORDER BY k";

  private final Connection connection;
  private SqlFailure failure;

  PgTx(Connection connection) {
    this.connection = connection;
  }

  /** Runs one step of the transaction, turning an SQLException into an SqlFailure the runner can judge. */
  final <T> T run(String what, Sql.Action<T> action) {
    try {
      return action.run();
    } catch (SQLException e) {
      SqlFailure wrapped = new SqlFailure(what, e);
      if (failure == null) {
        failure = wrapped;
      }
      throw wrapped;
    }
  }

  /** A statement of this transaction, bounded by the transaction's server-side statement timeout. */
  final PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  final Connection connection() {
    return connection;
  }

  /** Throws the first failure of this transaction, if any: the runner calls it before committing. */
  final void rethrowFailure() {
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Takes a transaction-scoped advisory lock per transfer id, in ascending key order so that two
   * transactions never wait on each other in a cycle. Re-entrant within a transaction.
   */
  public final void lockTransferIds(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    Sql.checkSize("lockTransferIds", ids);
    run("locking " + ids.size() + " transfer ids", () -> {
      try (PreparedStatement statement = prepare(LOCK_TRANSFER_IDS_SQL)) {
        statement.setArray(1, Sql.bigintArray(connection, ids.stream().map(PgTx::lockKey).toList()));
        statement.executeQuery().close();
        return null;
      }
    });
  }

  /** The 64-bit advisory lock key of a transfer id. Collisions only make two transfers wait for each other. */
  static long lockKey(UUID id) {
    return id.getMostSignificantBits() ^ id.getLeastSignificantBits();
  }
}

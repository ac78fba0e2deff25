package io.natsbank.store.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the producer's and the consumer's transactions share: one connection inside one open
 * transaction, the statements waiting to be sent, and the first failure (so that work which
 * swallowed a failed statement still cannot commit).
 *
 * <p>Statements whose results nobody waits for (writes, advisory locks) are queued rather than sent:
 * they travel with the next read, ahead of it, or with the COMMIT at the end ({@link #commit}). The
 * server runs every statement in the order it was queued, exactly as if each had been sent alone;
 * the client just waits once per {@link RoundTrip} instead of once per statement. A queued write's
 * failure (or a wrong row count, which the server checks) therefore surfaces at the next read or at
 * the commit, and either way the transaction rolls back.
 */
abstract class PgTx {
  static final String LOCK_TRANSFER_IDS_SQL =
      "SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k ORDER BY k";

  private final Connection connection;
  private RoundTrip queued = new RoundTrip();
  /** Statements queued by {@link #open} that are not worth a round trip of their own. */
  private int openingStatements;
  private int roundTrips;
  private SqlFailure failure;
  /**
   * Where this transaction found the rows of its participant's state table that it holds locked,
   * by transfer id ({@link StateTable}); a row's entry goes when the transaction writes the row.
   */
  private final Map<UUID, RowLocation> lockedRows = new HashMap<>();

  PgTx(Connection connection) {
    this.connection = connection;
  }

  /**
   * Queues a statement that sets the transaction up (its statement timeout, say): it goes with the
   * transaction's first round trip, and a transaction that sends nothing else does not send it.
   */
  final void open(String what, String sql) {
    queued.command(what, sql);
    openingStatements++;
  }

  /** Adds statements to the next round trip; their results are read and checked when it goes. */
  final RoundTrip queue() {
    return queued;
  }

  /** Sends everything queued in one round trip and reads every result, in order. */
  final void send() {
    if (queued.size() == openingStatements) {
      return;
    }
    RoundTrip trip = queued;
    queued = new RoundTrip();
    openingStatements = 0;
    roundTrips++;
    try {
      trip.run(connection);
    } catch (SQLException e) {
      SqlFailure wrapped = new SqlFailure(trip.describe(), e);
      if (failure == null) {
        failure = wrapped;
      }
      throw wrapped;
    }
  }

  /**
   * Commits: whatever is still queued goes in one round trip with the COMMIT as its last statement,
   * so a batch's writes and its commit cost one wait, not two (the server runs the COMMIT only if
   * every write before it succeeded, row counts included). With nothing queued, a plain commit.
   */
  final void commit() throws SQLException {
    rethrowFailure();
    if (queued.size() == openingStatements) {
      if (roundTrips > 0) {
        roundTrips++;
      }
      connection.commit();
      return;
    }
    queued.commit();
    send();
    // the server has committed and pgjdbc saw it: this sends nothing, and tells the pool the connection is clean
    connection.commit();
  }

  /** How many round trips this transaction has made so far, the commit's own counted if it had one. */
  final int roundTrips() {
    return roundTrips;
  }

  final Map<UUID, RowLocation> lockedRows() {
    return lockedRows;
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
    queueLockTransferIds(ids);
    send();
  }

  /** {@link #lockTransferIds}, queued: the locks are taken, in order, before whatever the transaction reads next. */
  final void queueLockTransferIds(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    Sql.checkSize("lockTransferIds", ids);
    List<Long> keys = new ArrayList<>(ids.size());
    ids.forEach(id -> keys.add(lockKey(id)));
    queued.query("locking " + ids.size() + " transfer ids", LOCK_TRANSFER_IDS_SQL,
        parameters -> parameters.bigints(keys), rows -> { });
  }

  /** The 64-bit advisory lock key of a transfer id. Collisions only make two transfers wait for each other. */
  static long lockKey(UUID id) {
    return id.getMostSignificantBits() ^ id.getLeastSignificantBits();
  }
}

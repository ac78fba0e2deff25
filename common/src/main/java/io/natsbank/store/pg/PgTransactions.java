package io.natsbank.store.pg;

import io.natsbank.node.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Runs store transactions: one connection, one READ COMMITTED transaction, commit; a deadlock or a
 * serialization failure rolls back and runs the work again after a short jittered pause, up to
 * {@link #TRANSACTION_ATTEMPTS_MAX} times. Any other database failure rolls back and becomes a
 * {@link StoreException}; anything else the work throws (a broken invariant, say) rolls back and
 * passes through unchanged.
 */
final class PgTransactions {
  static final int TRANSACTION_ATTEMPTS_MAX = 5;
  /** The pause before retry n is drawn from [1, n * RETRY_PAUSE_STEP_MAX_MILLIS]. */
  static final long RETRY_PAUSE_STEP_MAX_MILLIS = 10;

  /**
   * Inside store transactions every statement runs from a plan made once per connection. Planning a
   * statement for its parameters, as the pool's sessions do ({@link Database#PLAN_CACHE_MODE}),
   * cost a seventh of the participants' database CPU at saturation: 6.6-6.8 µs of the 47-50 µs per
   * transfer at each, measured in the same closed loop (8,171 against 8,876 transfers/s). A generic
   * plan is safe here only because no statement of a store transaction ever wants a sequential
   * scan: each finds its rows by key, or by the partial index of what is due, and its joins take a
   * batch of keys to their rows. With sequential scans off, a plan made while a table was new and
   * small (when a scan of it looks cheapest) still uses the index, and keeps using it once the table
   * holds millions of rows. Both settings are local to the transaction: reads outside transactions,
   * and every other use of the pool's connections, keep the session's custom plans.
   */
  static final List<String> PLANNER_SQL = List.of(
      "SET LOCAL plan_cache_mode = force_generic_plan", "SET LOCAL enable_seqscan = off");

  private final DataSource dataSource;
  private final String storeName;
  private final int queryTimeoutSeconds;
  private final String statementTimeoutSql;

  /**
   * @param statementTimeoutMillis the longest one statement of a transaction may run: the server
   *     cancels it then ({@code SET LOCAL statement_timeout}, the first statement of the
   *     transaction's first round trip, so it costs no wait of its own). Not JDBC's query timeout:
   *     pgjdbc schedules a {@link java.util.Timer} task for every statement that has one, and that
   *     shared timer took 13% of a producer's CPU at saturation. Reads outside transactions keep
   *     JDBC's timeout, rounded up to whole seconds.
   */
  PgTransactions(DataSource dataSource, String storeName, long statementTimeoutMillis) {
    this.dataSource = dataSource;
    this.storeName = storeName;
    this.queryTimeoutSeconds = DatabaseSettings.queryTimeoutSeconds(statementTimeoutMillis);
    this.statementTimeoutSql = "SET LOCAL statement_timeout = " + statementTimeoutMillis;
  }

  int queryTimeoutSeconds() {
    return queryTimeoutSeconds;
  }

  <X extends PgTx, T> T inTransaction(Function<Connection, X> begin, Function<X, T> work) {
    SqlFailure last = null;
    for (int attempt = 1; attempt <= TRANSACTION_ATTEMPTS_MAX; attempt++) {
      try {
        return attempt(begin, work);
      } catch (SqlFailure failure) {
        if (!failure.isRetryable()) {
          throw new StoreException(storeName + " transaction failed: " + failure.getMessage(), failure.getCause());
        }
        last = failure;
      }
      if (attempt < TRANSACTION_ATTEMPTS_MAX) {
        pauseBeforeRetry(attempt);
      }
    }
    throw new StoreException(storeName + " transaction failed " + TRANSACTION_ATTEMPTS_MAX
        + " times in a row, giving up; last failure: " + last.getMessage(), last.getCause());
  }

  /** Reads outside any transaction: each statement commits on its own (auto-commit). */
  <T> T read(String what, Sql.ConnectionAction<T> reader) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      return reader.run(connection);
    } catch (SQLException e) {
      throw new StoreException(storeName + ": " + new SqlFailure(what, e).getMessage(), e);
    }
  }

  private <X extends PgTx, T> T attempt(Function<Connection, X> begin, Function<X, T> work) {
    Connection connection = connect();
    try {
      return commitOrRollBack(connection, begin, work);
    } finally {
      closeQuietly(connection);
    }
  }

  private Connection connect() {
    try {
      Connection connection = dataSource.getConnection();
      try {
        connection.setAutoCommit(false);
        return connection;
      } catch (SQLException e) {
        closeQuietly(connection);
        throw e;
      }
    } catch (SQLException e) {
      throw new SqlFailure("getting a connection", e);
    }
  }

  private <X extends PgTx, T> T commitOrRollBack(
      Connection connection, Function<Connection, X> begin, Function<X, T> work) {
    try {
      X transaction = begin.apply(connection);
      transaction.open("setting the statement timeout", statementTimeoutSql);
      PLANNER_SQL.forEach(sql -> transaction.open("choosing plans made once, by index", sql));
      T result = work.apply(transaction);
      transaction.commit();
      return result;
    } catch (SQLException e) {
      rollBackQuietly(connection, e);
      throw new SqlFailure("commit", e);
    } catch (RuntimeException | Error e) {
      rollBackQuietly(connection, e);
      throw e;
    }
  }

  private static void rollBackQuietly(Connection connection, Throwable primary) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // The pool discards a connection it cannot reset; the transaction's outcome is already known.
    }
  }

  private void pauseBeforeRetry(int attempt) {
    long pauseMillis = ThreadLocalRandom.current().nextLong(1, attempt * RETRY_PAUSE_STEP_MAX_MILLIS + 1);
    try {
      Thread.sleep(pauseMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(storeName + " was interrupted while waiting to retry a transaction", e);
    }
  }
}

package io.natsbank.store.pg;

import java.sql.SQLException;
import java.util.Set;

/**
 * An SQLException carried out of a {@code Tx} method (whose signatures cannot throw it) to the
 * transaction runner, which decides between retrying and reporting a StoreException.
 */
final class SqlFailure extends RuntimeException {
  /** deadlock_detected and serialization_failure: the transaction was rolled back and may simply run again. */
  static final Set<String> RETRYABLE_SQL_STATES = Set.of("40P01", "40001");

  SqlFailure(String what, SQLException cause) {
    super(what + " failed: " + describe(cause), cause);
  }

  SQLException sqlException() {
    return (SQLException) getCause();
  }

  boolean isRetryable() {
    return isRetryable(sqlException());
  }

  /** Looks through the chain: a failed JDBC batch reports its statement's error as the next exception. */
  static boolean isRetryable(SQLException failure) {
    for (SQLException each = failure; each != null; each = each.getNextException()) {
      if (RETRYABLE_SQL_STATES.contains(each.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The SQL state of the failure (or of the first batch statement that has one), null if none. */
  static String sqlState(SQLException failure) {
    for (SQLException each = failure; each != null; each = each.getNextException()) {
      if (each.getSQLState() != null) {
        return each.getSQLState();
      }
    }
    return null;
  }

  private static String describe(SQLException failure) {
    SQLException next = failure.getNextException();
    String message = "[" + failure.getSQLState() + "] " + failure.getMessage();
    return next == null ? message : message + "; caused by [" + next.getSQLState() + "] " + next.getMessage();
  }
}

package io.natsbank.store.pg;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The rows of one multi-row statement, column by column: each column becomes one array parameter
 * that the statement spreads back into rows with {@code unnest}. One statement then writes a whole
 * batch, where a JDBC batch would run (parse, bind, execute) once per row.
 *
 * <p>Values travel in the text form PostgreSQL reads for the column's type: amounts as plain decimals
 * (never exponent notation), instants as ISO-8601 UTC (independent of the session's time zone).
 */
final class ColumnArrays {
  /** The element type of each column, as PostgreSQL names it ("uuid", "text", "numeric", ...). */
  private final String[] types;
  private final Object[][] columns;
  private int row = -1;

  ColumnArrays(int rows, String... types) {
    this.types = types.clone();
    this.columns = new Object[types.length][rows];
  }

  /** Moves to the next row; then set each of its columns. */
  ColumnArrays nextRow() {
    row++;
    return this;
  }

  ColumnArrays set(int column, Object value) {
    columns[column][row] = value;
    return this;
  }

  ColumnArrays setDecimal(int column, BigDecimal value) {
    return set(column, value == null ? null : value.toPlainString());
  }

  /** 0 millis stands for "not yet" and is stored as NULL (and read back as 0 by {@link Sql#epochMillis}). */
  ColumnArrays setOptionalInstant(int column, long epochMillis) {
    return set(column, epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString());
  }

  ColumnArrays setInstant(int column, long epochMillis) {
    return set(column, Instant.ofEpochMilli(epochMillis).toString());
  }

  ColumnArrays setText(int column, Object value) {
    return set(column, value == null ? null : value.toString());
  }

  int rows() {
    return row + 1;
  }

  /** Binds column i to parameter {@code firstIndex + i}; returns the index of the next parameter. */
  int bind(Connection connection, PreparedStatement statement, int firstIndex) throws SQLException {
    for (int column = 0; column < types.length; column++) {
      statement.setArray(firstIndex + column, connection.createArrayOf(types[column], columns[column]));
    }
    return firstIndex + types.length;
  }
}

package io.natsbank.store.pg;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The rows of one multi-row statement, column by column: each column becomes one array parameter
 * that the statement spreads back into rows with {@code unnest}. One statement then writes a whole
 * batch, where a JDBC batch would run (parse, bind, execute) once per row.
 *
 * <p>Values are kept as they are (ids, strings, decimals, epoch milliseconds) and sent in
 * PostgreSQL's binary array format ({@link ArrayParameter}), which depends on neither the session's
 * time zone nor a decimal's notation.
 */
final class ColumnArrays {
  /** The element type of each column, named as PostgreSQL names it ("uuid", "text", "numeric", ...). */
  private final ArrayParameter.Element[] types;
  private final Object[][] columns;
  private int row = -1;

  ColumnArrays(int rows, String... types) {
    this.types = new ArrayParameter.Element[types.length];
    for (int i = 0; i < types.length; i++) {
      this.types[i] = ArrayParameter.Element.named(types[i]);
    }
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
    return set(column, value);
  }

  /** 0 millis stands for "not yet" and is stored as NULL (and read back as 0 by {@link Sql#epochMillis}). */
  ColumnArrays setOptionalInstant(int column, long epochMillis) {
    return set(column, epochMillis == 0 ? null : epochMillis);
  }

  ColumnArrays setInstant(int column, long epochMillis) {
    return set(column, epochMillis);
  }

  ColumnArrays setText(int column, Object value) {
    return set(column, value == null ? null : value.toString());
  }

  int rows() {
    return row + 1;
  }

  /** Binds column i to parameter {@code firstIndex + i}; returns the index of the next parameter. */
  int bind(PreparedStatement statement, int firstIndex) throws SQLException {
    for (int column = 0; column < types.length; column++) {
      statement.setObject(firstIndex + column, new ArrayParameter(types[column], columns[column]));
    }
    return firstIndex + types.length;
  }
}

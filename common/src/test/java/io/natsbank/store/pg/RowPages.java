package io.natsbank.store.pg;

import io.natsbank.testing.Jdbc;
import java.util.List;
import javax.sql.DataSource;

/** Which heap page each row of a table lies on, read from its {@code ctid}. */
final class RowPages {
  private RowPages() {}

  /** The page of every row of {@code table}, in the order of its ids. */
  static List<Long> byId(DataSource dataSource, String table) {
    return Jdbc.column(dataSource, "SELECT (ctid::text::point)[0]::bigint FROM " + table + " ORDER BY id").stream()
        .map(page -> ((Number) page).longValue()).toList();
  }

  /** How many distinct pages the rows of {@code table} lie on. */
  static long count(DataSource dataSource, String table) {
    return byId(dataSource, table).stream().distinct().count();
  }
}

package io.natsbank.store.pg;

/**
 * Where a row version lies in its table: PostgreSQL's {@code ctid}, a page number and the row's
 * place on that page. A transaction that has locked a row can write it again by its location, a
 * direct read of that page, where a write by key descends the primary key first; the location stays
 * right as long as the lock is held and the row has not been written since.
 */
record RowLocation(long page, int item) {
  /** Page numbers are unsigned 32-bit, item numbers unsigned 16-bit; the first item is 1. */
  static final long PAGE_MAX = 0xFFFF_FFFFL;
  static final int ITEM_MAX = 0xFFFF;

  RowLocation {
    if (page < 0 || page > PAGE_MAX || item < 1 || item > ITEM_MAX) {
      throw new IllegalArgumentException("no row location (" + page + "," + item + ")");
    }
  }

  /** Reads PostgreSQL's text form of a {@code tid}, "(page,item)". */
  static RowLocation parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no row location: null");
    }
    int comma = text.indexOf(',');
    if (text.length() < 5 || text.charAt(0) != '(' || text.charAt(text.length() - 1) != ')' || comma < 2
        || comma > text.length() - 3) {
      throw new IllegalArgumentException("not a row location: '" + text + "'");
    }
    try {
      return new RowLocation(Long.parseLong(text, 1, comma, 10),
          Integer.parseInt(text, comma + 1, text.length() - 1, 10));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a row location: '" + text + "'", e);
    }
  }

  /** PostgreSQL's text form, "(page,item)". */
  @Override
  public String toString() {
    return "(" + page + "," + item + ")";
  }
}

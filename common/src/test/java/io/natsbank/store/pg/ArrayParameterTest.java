package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.store.pg.ArrayParameter.Element;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;

/**
 * Every element type reaches the server as the value it was, through the binary format (the
 * services' connections) and through the text form (a connection that does not enable binary
 * arrays): each array is spread with {@code unnest} and read back, element by element.
 */
class ArrayParameterTest {
  private static final Object[] UUIDS = {UUID.randomUUID(), null, new UUID(0, 0), new UUID(-1, -1),
      UUID.fromString("01a237c2-8973-75c9-81b6-786d26cf0296")};
  private static final Object[] TEXTS = {"", "plain", "a,b", "quote\"d", "back\\slash", "{braces}", "NULL", null,
      " spaces ", "ünïcødé ✓ 💶", "line\nbreak"};
  private static final Object[] NUMERICS = decimals("0", "0.00", "1", "1.00", "12345.6789", "0.0001", "0.00001",
      "123456789012345678901234567890.123456789", "-5.25", "1E+5", "-1E+5", "9999.9999", "10000", "1234567.89",
      "0.10", "-0.01", "1000000000.00", "99999999999999.99");
  private static final Object[] BOOLS = {true, false, null};
  private static final Object[] INT4S = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, null};
  private static final Object[] INT8S = {0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, null};
  /** Epoch millis, before and after PostgreSQL's epoch of 2000, and the Unix epoch itself. */
  private static final Object[] INSTANTS = {0L, 1L, 946_684_800_000L, 946_684_799_999L, 946_684_800_001L,
      1_796_000_000_123L, -86_400_000L, null};
  /** Row locations, the largest page and item numbers included (unsigned on the server). */
  private static final Object[] LOCATIONS = {new RowLocation(0, 1), new RowLocation(12_345, 67), null,
      new RowLocation(RowLocation.PAGE_MAX, RowLocation.ITEM_MAX), new RowLocation(2_147_483_648L, 32_768)};

  private static TestDatabase database;

  @BeforeAll
  static void createDatabase() {
    database = TestDatabases.create(Database.Role.PRODUCER);
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void theServicesConnectionsSendEveryElementTypeInBinary() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      BaseConnection pg = connection.unwrap(BaseConnection.class);
      for (Element element : Element.values()) {
        assertTrue(pg.binaryTransferSend(element.arrayOid), element + "[] in binary");
      }
    }
  }

  @Test
  void aPlainConnectionSendsTheTextForm() throws SQLException {
    try (Connection connection = plainConnection()) {
      assertFalse(connection.unwrap(BaseConnection.class).binaryTransferSend(Element.NUMERIC.arrayOid));
      assertEveryTypeRoundTrips(connection);
    }
  }

  @Test
  void binaryArraysRoundTrip() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      assertEveryTypeRoundTrips(connection);
    }
  }

  @Test
  void anEmptyArrayHasNoElementsEitherWay() throws SQLException {
    for (Connection connection : List.of(database.dataSource().getConnection(), plainConnection())) {
      try (connection; PreparedStatement statement = connection.prepareStatement("SELECT cardinality(?::uuid[])")) {
        statement.setObject(1, new ArrayParameter(Element.UUID, new Object[0]));
        try (ResultSet rows = statement.executeQuery()) {
          assertTrue(rows.next());
          assertEquals(0, rows.getInt(1));
        }
      }
    }
  }

  @Test
  void theTextFormQuotesEveryElement() {
    assertEquals("{\"a,b\",NULL,\"quote\\\"d\",\"back\\\\slash\"}",
        new ArrayParameter(Element.TEXT, new Object[] {"a,b", null, "quote\"d", "back\\slash"}).getValue());
    assertEquals("{\"1970-01-01T00:00:00.001Z\"}", new ArrayParameter(Element.TIMESTAMPTZ, new Object[] {1L}).getValue());
    assertEquals("{\"t\",\"f\"}", new ArrayParameter(Element.BOOL, new Object[] {true, false}).getValue());
  }

  @Test
  void binaryNumericsAreBaseTenThousandDigitsWithTheirScale() {
    // 1234567.89 = 123 * 10000^1 + 4567 * 10000^0 + 8900 * 10000^-1, two decimals shown
    assertArrayEquals(shorts(3, 1, 0, 2, 123, 4567, 8900), ArrayParameter.numeric(new BigDecimal("1234567.89")));
    assertArrayEquals(shorts(1, -1, 0x4000, 2, 2500), ArrayParameter.numeric(new BigDecimal("-0.25")));
    // a leading zero digit is kept (the server strips it)
    assertArrayEquals(shorts(2, -1, 0, 5, 0, 1000), ArrayParameter.numeric(new BigDecimal("0.00001")));
    assertArrayEquals(shorts(1, 0, 0, 0, 10), ArrayParameter.numeric(new BigDecimal("1E+1")));
  }

  @Test
  void anUnknownElementTypeIsRefusedByName() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Element.named("jsonb"));
    assertTrue(refused.getMessage().contains("'jsonb'"), refused.getMessage());
  }

  private static void assertEveryTypeRoundTrips(Connection connection) throws SQLException {
    assertEquals(Arrays.asList(UUIDS), readBack(connection, Element.UUID, UUIDS, "x", (rows, i) -> rows.getObject(i, UUID.class)));
    assertEquals(Arrays.asList(TEXTS), readBack(connection, Element.TEXT, TEXTS, "x", ResultSet::getString));
    // the scale too: 1.00 stays 1.00, and 1E+5 arrives as 100000
    List<Object> plain = new ArrayList<>();
    for (Object value : NUMERICS) {
      plain.add(((BigDecimal) value).toPlainString());
    }
    assertEquals(plain, readBack(connection, Element.NUMERIC, NUMERICS, "x::text", ResultSet::getString));
    assertEquals(Arrays.asList(BOOLS), readBack(connection, Element.BOOL, BOOLS, "x",
        (rows, i) -> rows.getObject(i, Boolean.class)));
    assertEquals(Arrays.asList(INT4S), readBack(connection, Element.INT4, INT4S, "x",
        (rows, i) -> rows.getObject(i, Integer.class)));
    assertEquals(Arrays.asList(INT8S), readBack(connection, Element.INT8, INT8S, "x",
        (rows, i) -> rows.getObject(i, Long.class)));
    assertEquals(Arrays.asList(INSTANTS), readBack(connection, Element.TIMESTAMPTZ, INSTANTS,
        "(extract(epoch FROM x) * 1000)::bigint", (rows, i) -> rows.getObject(i, Long.class)));
    assertEquals(Arrays.asList(LOCATIONS), readBack(connection, Element.TID, LOCATIONS, "x::text",
        (rows, i) -> rows.getString(i) == null ? null : RowLocation.parse(rows.getString(i))));
  }

  private interface Column {
    Object read(ResultSet rows, int index) throws SQLException;
  }

  private static List<Object> readBack(Connection connection, Element element, Object[] values, String expression,
      Column column) throws SQLException {
    String sql = "SELECT " + expression + " FROM unnest(?::" + element.typeName + "[]) WITH ORDINALITY AS u(x, n) ORDER BY n";
    // past pgjdbc's prepare threshold too, where the statement is prepared on the server
    List<Object> last = null;
    for (int run = 0; run < 7; run++) {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setObject(1, new ArrayParameter(element, values));
        List<Object> read = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            read.add(column.read(rows, 1));
          }
        }
        if (last != null) {
          assertEquals(last, read, element + ", run " + run);
        }
        last = read;
      }
    }
    return last;
  }

  private static Connection plainConnection() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", database.settings().user());
    return DriverManager.getConnection(database.settings().jdbcUrl(), properties);
  }

  private static Object[] decimals(String... values) {
    return Arrays.stream(values).map(BigDecimal::new).toArray();
  }

  private static byte[] shorts(int... values) {
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(2 * values.length);
    for (int value : values) {
      out.putShort((short) value);
    }
    return out.array();
  }
}

package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/bank";

  @Test
  void eachBadFieldIsNamed() {
    Map<String, Supplier<DatabaseSettings>> bad = Map.of(
        "jdbcUrl", () -> new DatabaseSettings("jdbc:mysql://x/y", "u", "", 1, 1_000, 1_000),
        "user", () -> new DatabaseSettings(URL, " ", "", 1, 1_000, 1_000),
        "password", () -> new DatabaseSettings(URL, "u", null, 1, 1_000, 1_000),
        "poolSizeMax", () -> new DatabaseSettings(URL, "u", "", 0, 1_000, 1_000),
        "statementTimeoutMillis", () -> new DatabaseSettings(URL, "u", "", 1, 0, 1_000),
        "connectionTimeoutMillis", () -> new DatabaseSettings(URL, "u", "", 1, 1_000, 249));
    bad.forEach((field, settings) -> {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, settings::get);
      assertTrue(refused.getMessage().startsWith(field), refused.getMessage());
    });
  }

  @Test
  void theQueryTimeoutIsTheStatementTimeoutRoundedUpToSeconds() {
    assertEquals(1, DatabaseSettings.queryTimeoutSeconds(1));
    assertEquals(1, DatabaseSettings.queryTimeoutSeconds(1_000));
    assertEquals(2, DatabaseSettings.queryTimeoutSeconds(1_001));
    assertEquals(30, new DatabaseSettings(URL, "u", "", 1, 30_000, 1_000).queryTimeoutSeconds());
  }

  @Test
  void theTextNeverShowsThePassword() {
    String text = new DatabaseSettings(URL + "?password=hunter2&ssl=false", "u", "s3cret", 1, 1_000, 1_000)
        .toString();

    assertFalse(text.contains("s3cret"), text);
    assertFalse(text.contains("hunter2"), text);
    assertTrue(text.contains("ssl=false"), text);
  }

  @Test
  void anotherDatabaseOnTheSameServerKeepsHostAndParameters() {
    assertEquals("jdbc:postgresql://h:5432/other?ssl=false",
        Database.jdbcUrlWithDatabase("jdbc:postgresql://h:5432/postgres?ssl=false", "other"));
    assertEquals("jdbc:postgresql://h1,h2:5433/other",
        Database.jdbcUrlWithDatabase("jdbc:postgresql://h1,h2:5433/postgres", "other"));
    assertEquals("jdbc:postgresql://h/other", Database.jdbcUrlWithDatabase("jdbc:postgresql://h", "other"));
    assertEquals("jdbc:postgresql://h/other?x=1", Database.jdbcUrlWithDatabase("jdbc:postgresql://h?x=1", "other"));
    assertEquals("jdbc:postgresql://h/other", Database.jdbcUrlWithDatabase("jdbc:postgresql://h/", "other"));
    assertEquals(URL.replace("bank", "x_1"), new DatabaseSettings(URL, "u", "", 1, 1_000, 1_000)
        .withDatabase("x_1").jdbcUrl());
  }
}

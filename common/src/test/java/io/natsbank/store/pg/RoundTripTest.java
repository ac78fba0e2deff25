package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several statements in one round trip: each runs in order and reads its own result. */
class RoundTripTest {
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

  @BeforeEach
  void emptyTable() {
    Jdbc.execute(database.dataSource(), "CREATE TABLE IF NOT EXISTS notes (id uuid PRIMARY KEY, body text NOT NULL)");
    Jdbc.execute(database.dataSource(), "TRUNCATE notes");
  }

  @Test
  void theResultsOfEachStatementGoToItsOwnReader() throws SQLException {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    List<Integer> counts = new ArrayList<>();
    List<String> bodies = new ArrayList<>();

    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .command("setting the timeout", "SET LOCAL statement_timeout = 5000")
          .update("inserting", "INSERT INTO notes SELECT * FROM unnest(?::uuid[], ?::text[])",
              parameters -> parameters.array("uuid", new Object[] {first, second})
                  .array("text", new Object[] {"one", "two"}),
              counts::add)
          .update("updating", "UPDATE notes SET body = body || ? WHERE id = ANY(?)",
              parameters -> parameters.text("!").uuids(List.of(second)), counts::add)
          .query("reading", "SELECT body FROM notes ORDER BY body", parameters -> { }, rows -> {
            while (rows.next()) {
              bodies.add(rows.getString(1));
            }
          })
          .query("reading the timeout", "SELECT current_setting('statement_timeout')", parameters -> { }, rows -> {
            rows.next();
            bodies.add(rows.getString(1));
          });
      trip.run(connection);
      connection.commit();
    }

    assertEquals(List.of(2, 1), counts);
    assertEquals(List.of("one", "two!", "5s"), bodies, "the write before the read is seen; the SET came first");
  }

  @Test
  void aFailingStatementFailsTheRoundTripAndTheStatementsAfterItDoNotRun() throws SQLException {
    List<Integer> counts = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .update("inserting", "INSERT INTO notes VALUES (gen_random_uuid(), 'kept?')", parameters -> { }, counts::add)
          .query("dividing", "SELECT 1 / ?", parameters -> parameters.integer(0), rows -> { })
          .update("inserting again", "INSERT INTO notes VALUES (gen_random_uuid(), 'never')", parameters -> { },
              counts::add);

      SQLException failure = assertThrows(SQLException.class, () -> trip.run(connection));
      assertEquals("22012", failure.getSQLState());
      connection.rollback();
    }
    assertEquals(List.of(), counts, "no result is read from a failed round trip");
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes"));
  }

  @Test
  void aWrongRowCountIsABrokenInvariant() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip().update("updating nothing", "UPDATE notes SET body = 'x' WHERE id = ANY(?)",
          parameters -> parameters.array("uuid", new Object[] {UUID.randomUUID()}),
          count -> Sql.checkTouchedEachOnce(count, "update of notes", List.of("one key"), key -> key));

      assertThrows(InvariantViolation.class, () -> trip.run(connection));
      connection.rollback();
    }
  }

  @Test
  void aStatementHoldingASemicolonIsRefused() {
    assertThrows(InvariantViolation.class,
        () -> new RoundTrip().command("two in one", "SELECT 1; SELECT 2"));
  }

  @Test
  void aQueryWhereAWriteIsExpectedIsABrokenInvariant() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip().update("not a write", "SELECT 1", parameters -> { }, count -> { });

      assertThrows(InvariantViolation.class, () -> trip.run(connection));
      connection.rollback();
    }
  }
}

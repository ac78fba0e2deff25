package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.store.pg.RoundTrip.RowCount;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several statements in one round trip: each runs in order and reads its own result; the server
 * checks each write's row count, and a COMMIT at the end runs only if everything before it did.
 */
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
    List<String> bodies = new ArrayList<>();

    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .command("setting the timeout", "SET LOCAL statement_timeout = 5000")
          .write("inserting", "INSERT INTO notes SELECT * FROM unnest(?::uuid[], ?::text[])",
              parameters -> parameters.array(ArrayParameter.Element.UUID, new Object[] {first, second})
                  .array(ArrayParameter.Element.TEXT, new Object[] {"one", "two"}),
              RowCount.eachOnce("insert into notes", List.of(first, second), id -> id))
          .write("updating", "UPDATE notes SET body = body || ? WHERE id = ANY(?)",
              parameters -> parameters.text("!").uuids(List.of(second)),
              RowCount.eachOnce("update of notes", List.of(second), id -> id))
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

    assertEquals(List.of("one", "two!", "5s"), bodies, "the write before the read is seen; the SET came first");
  }

  @Test
  void aFailingStatementFailsTheRoundTripAndTheStatementsAfterItDoNotRun() throws SQLException {
    List<String> read = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .write("inserting", "INSERT INTO notes VALUES (gen_random_uuid(), 'kept?')", parameters -> { },
              RowCount.eachOnce("insert into notes", List.of("one"), key -> key))
          .query("dividing", "SELECT 1 / ?", parameters -> parameters.integer(0), rows -> read.add("divided"))
          .query("reading", "SELECT 1", parameters -> { }, rows -> read.add("read"));

      SQLException failure = assertThrows(SQLException.class, () -> trip.run(connection));
      assertEquals("22012", failure.getSQLState());
      connection.rollback();
    }
    assertEquals(List.of(), read, "no result is read from a failed round trip");
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes"));
  }

  @Test
  void theServerRefusesAWrongRowCountAndNothingAfterItRuns() throws SQLException {
    UUID kept = UUID.randomUUID();
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .write("updating nothing", "UPDATE notes SET body = 'x' WHERE id = ANY(?)",
              parameters -> parameters.array(ArrayParameter.Element.UUID, new Object[] {UUID.randomUUID()}),
              RowCount.eachOnce("update of notes", List.of("one key"), key -> key))
          .write("inserting", "INSERT INTO notes VALUES (?::uuid, 'never')", parameters -> parameters.text(kept.toString()),
              RowCount.eachOnce("insert into notes", List.of(kept), id -> id))
          .commit();

      InvariantViolation failure = assertThrows(InvariantViolation.class, () -> trip.run(connection));
      assertEquals("invariant broken: update of notes touches each of its rows exactly once"
          + " (0 rows touched for 1 keys), first keys [one key]", failure.getMessage());
      assertEquals(RoundTrip.WRONG_ROW_COUNT_SQL_STATE, ((SQLException) failure.getCause()).getSQLState());
      assertEquals(TransactionState.FAILED, transactionState(connection), "the COMMIT after it did not run");
      connection.rollback();
    }
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes"));
  }

  @Test
  void tooManyRowsTouchedAreRefusedToo() throws SQLException {
    Jdbc.execute(database.dataSource(), "INSERT INTO notes VALUES (gen_random_uuid(), 'a'), (gen_random_uuid(), 'a')");
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip().write("updating by body", "UPDATE notes SET body = 'b' WHERE body = ?",
          parameters -> parameters.text("a"), RowCount.eachOnce("update of notes", List.of("a"), key -> key));

      InvariantViolation failure = assertThrows(InvariantViolation.class, () -> trip.run(connection));
      assertTrue(failure.getMessage().contains("(2 rows touched for 1 keys)"), failure.getMessage());
      connection.rollback();
    }
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes WHERE body = 'b'"));
  }

  @Test
  void theCommitTravelsWithTheLastStatements() throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .write("inserting", "INSERT INTO notes VALUES (?::uuid, 'kept')", parameters -> parameters.text(id.toString()),
              RowCount.eachOnce("insert into notes", List.of(id), key -> key))
          .commit();
      trip.run(connection);

      assertEquals(TransactionState.IDLE, transactionState(connection), "no transaction left open");
      assertEquals(1L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes WHERE id = ?", id),
          "another connection sees the row before this one calls commit()");
    }
  }

  @Test
  void aReaderFailingAfterTheCommitSaysTheWritesAreKept() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip()
          .write("inserting", "INSERT INTO notes VALUES (gen_random_uuid(), 'kept')", parameters -> { },
              RowCount.eachOnce("insert into notes", List.of("one"), key -> key))
          .query("reading", "SELECT 1", parameters -> { }, rows -> {
            throw new IllegalStateException("a reader that refuses");
          })
          .commit();

      InvariantViolation failure = assertThrows(InvariantViolation.class, () -> trip.run(connection));
      assertTrue(failure.getMessage().contains("the transaction's writes are kept: a reader that refuses"),
          failure.getMessage());
    }
    assertEquals(1L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes"));
  }

  @Test
  void nothingIsAddedAfterTheCommit() {
    RoundTrip trip = new RoundTrip().command("setting the timeout", "SET LOCAL statement_timeout = 5000").commit();

    assertTrue(trip.isCommitting());
    assertThrows(InvariantViolation.class, () -> trip.command("too late", "SET LOCAL statement_timeout = 1"));
    assertThrows(InvariantViolation.class, trip::commit);
  }

  @Test
  void aStatementHoldingASemicolonIsRefused() {
    assertThrows(InvariantViolation.class,
        () -> new RoundTrip().command("two in one", "SELECT 1; SELECT 2"));
  }

  @Test
  void aCommandThatReturnsRowsIsABrokenInvariant() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      RoundTrip trip = new RoundTrip().command("not a command", "SELECT 1");

      assertThrows(InvariantViolation.class, () -> trip.run(connection));
      connection.rollback();
    }
  }

  @Test
  void aRoundTripWithoutACommitLeavesTheTransactionOpen() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      new RoundTrip().write("inserting", "INSERT INTO notes VALUES (gen_random_uuid(), 'undone')", parameters -> { },
          RowCount.eachOnce("insert into notes", List.of("one"), key -> key)).run(connection);

      assertEquals(TransactionState.OPEN, transactionState(connection));
      assertFalse(new RoundTrip().isCommitting());
      connection.rollback();
    }
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM notes"));
  }

  private static TransactionState transactionState(Connection connection) throws SQLException {
    return connection.unwrap(BaseConnection.class).getTransactionState();
  }
}

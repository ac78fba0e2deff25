package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The injector's own database goes away mid-fire (a PostgreSQL restart in a chaos run): the
 * submission log waits it out, records every submission exactly once, and loses no acknowledgement.
 */
@Timeout(120)
class SubmissionLogOutageTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static TestDatabase database;
  private long runId;

  @BeforeAll
  static void createDatabase() {
    database = TestDatabases.createEmpty();
    Setup.migrateInjector(database.dataSource());
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @BeforeEach
  void newRun() {
    Jdbc.execute(database.dataSource(), "TRUNCATE submitted, replies, runs");
    runId = PgSubmissionLog.startRun(database.dataSource(), 3, 42, "normal=1");
  }

  @Test
  void submissionsAreRecordedOnceTheDatabaseAnswersAgain() {
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource());
    flaky.refuseConnections.set(3);
    List<PlannedTransfer> planned = plan(50);
    try (PgSubmissionLog log = new PgSubmissionLog(flaky, runId, PATIENCE)) {
      log.recordSubmitted(planned);
    }
    assertEquals(0, flaky.refuseConnections.get(), "every refused connection was tried");
    assertEquals(50L, stored());
  }

  @Test
  void aChunkWhoseCommitWentUnansweredIsStoredOnceNotTwice() {
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource());
    flaky.loseCommitAnswers.set(1);
    List<PlannedTransfer> planned = plan(20);
    try (PgSubmissionLog log = new PgSubmissionLog(flaky, runId, PATIENCE)) {
      log.recordSubmitted(planned);
    }
    assertEquals(0, flaky.loseCommitAnswers.get(), "the commit answer was lost once");
    assertEquals(20L, stored());
  }

  @Test
  void acknowledgementsWaitForTheDatabaseAndAreNotLost() {
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource());
    List<PlannedTransfer> planned = plan(10);
    try (PgSubmissionLog log = new PgSubmissionLog(flaky, runId, PATIENCE)) {
      log.recordSubmitted(planned);
      flaky.refuseConnections.set(4);
      planned.forEach(transfer -> log.recordReply(
          new ReplyRecord(transfer.request().transferId(), Result.ACCEPTED, TransferStatus.PENDING, null, 1)));
      log.flush();
      log.finishRun("fire: submitted=10");
    }
    assertEquals(10L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM submissions WHERE acknowledged"));
  }

  @Test
  void theRunStartsOnceTheDatabaseAnswers() {
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource());
    flaky.refuseConnections.set(2);
    long started = PgSubmissionLog.startRun(flaky, 1, 7, "normal=1", PATIENCE);
    assertEquals(1L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM runs WHERE id = ?", started));
  }

  @Test
  void aDatabaseGoneLongerThanThePatienceFailsLoudlyAndNothingIsSent() {
    FlakyDataSource flaky = new FlakyDataSource(database.dataSource());
    flaky.refuseConnections.set(Integer.MAX_VALUE);
    try (PgSubmissionLog log = new PgSubmissionLog(flaky, runId, Duration.ofMillis(300))) {
      PgSubmissionLog.SubmissionLogException failure = assertThrows(PgSubmissionLog.SubmissionLogException.class,
          () -> log.recordSubmitted(plan(5)));
      assertTrue(failure.getMessage().contains("giving up"), failure.getMessage());
    }
    assertEquals(0L, stored());
  }

  @Test
  void aStatementTheDatabaseRefusesIsNotRetried() {
    AtomicInteger tries = new AtomicInteger();
    PgSubmissionLog.SubmissionLogException failure = assertThrows(PgSubmissionLog.SubmissionLogException.class,
        () -> PgSubmissionLog.withRetries("inserting", PATIENCE, () -> {
          tries.incrementAndGet();
          throw new SQLException("duplicate key value violates unique constraint", "23505");
        }));
    assertEquals(1, tries.get(), "a refused statement is a bug, not an outage: " + failure.getMessage());
  }

  @Test
  void openingWaitsForADatabaseThatIsStartingUp() {
    AtomicInteger tries = new AtomicInteger();
    String opened = PgSubmissionLog.whenReachable("opening", PATIENCE, () -> {
      if (tries.incrementAndGet() < 3) {
        throw new IllegalStateException("pool initialization failed",
            new SQLException("FATAL: the database system is starting up", "57P03"));
      }
      return "open";
    });
    assertEquals("open", opened);
    assertEquals(3, tries.get());
  }

  @Test
  void migratingOnAConnectionThePoolDroppedIsTriedAgain() {
    AtomicInteger tries = new AtomicInteger();
    String opened = PgSubmissionLog.whenReachable("migrating", PATIENCE, () -> {
      if (tries.incrementAndGet() == 1) {
        // what Flyway threw in a chaos run: the pool had dropped the connection the server killed
        throw new IllegalStateException("Unable to commit transaction", new SQLException("Connection is closed"));
      }
      return "migrated";
    });
    assertEquals("migrated", opened);
    assertEquals(2, tries.get());
  }

  @Test
  void aFailureThatIsNotTheDatabaseIsNotRetried() {
    AtomicInteger tries = new AtomicInteger();
    IllegalStateException failure = assertThrows(IllegalStateException.class,
        () -> PgSubmissionLog.whenReachable("opening", PATIENCE, () -> {
          tries.incrementAndGet();
          throw new IllegalStateException("a bug");
        }));
    assertEquals("a bug", failure.getMessage());
    assertEquals(1, tries.get());
  }

  private long stored() {
    return Jdbc.count(database.dataSource(), "SELECT count(*) FROM submissions WHERE run_id = ?", runId);
  }

  private static List<PlannedTransfer> plan(int count) {
    TransferPlanner planner = new TransferPlanner(new TransferPlanner.Settings(List.of("bank-p1"),
        List.of("bank-c1"), 100, TransferMix.parse(TransferMix.DEFAULT), Money.parsePositive("0.01", Currency.EUR),
        Money.parsePositive("50.00", Currency.EUR), Money.parsePositive("5000.00", Currency.EUR)), 9,
        new UuidV7(System::currentTimeMillis, new SplittableRandom(count))::next);
    List<PlannedTransfer> planned = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      planned.add(planner.next());
    }
    return planned;
  }

  /**
   * A data source standing for a database that restarts: the next {@code refuseConnections} calls to
   * getConnection fail as a refused connection does; the next {@code loseCommitAnswers} commits go
   * through but their answer is lost, as when the server dies right after committing.
   */
  static final class FlakyDataSource implements DataSource {
    final AtomicInteger refuseConnections = new AtomicInteger();
    final AtomicInteger loseCommitAnswers = new AtomicInteger();
    private final DataSource delegate;

    FlakyDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (refuseConnections.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        throw new SQLException("Connection to 127.0.0.1 refused (stand-in)", "08001");
      }
      Connection connection = delegate.getConnection();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, arguments) -> {
            Object result;
            try {
              result = method.invoke(connection, arguments);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
            if (method.getName().equals("commit")
                && loseCommitAnswers.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
              throw new SQLException("An I/O error occurred while sending to the backend (stand-in)", "08006");
            }
            return result;
          });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}

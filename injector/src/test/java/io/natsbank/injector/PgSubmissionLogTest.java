package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PgSubmissionLogTest {
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

  private static List<PlannedTransfer> plan(int count) {
    TransferPlanner planner = new TransferPlanner(new TransferPlanner.Settings(List.of("bank-p1"),
        List.of("bank-c1"), 100, TransferMix.parse(TransferMix.DEFAULT), Money.parsePositive("0.01", Currency.EUR),
        Money.parsePositive("50.00", Currency.EUR), Money.parsePositive("5000.00", Currency.EUR)), 5,
        new UuidV7(System::currentTimeMillis, new SplittableRandom(5))::next);
    List<PlannedTransfer> planned = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      planned.add(planner.next());
    }
    return planned;
  }

  private static Object column(UUID id, String column) {
    return Jdbc.value(database.dataSource(), "SELECT " + column + " FROM submissions WHERE id = ?", id);
  }

  /** A batch of replies finds each submission by its key, not by scanning all of them: the cost stays per reply. */
  @Test
  void appendingRepliesLooksEachSubmissionUpByKeyHoweverManyAreRecorded() throws Exception {
    Jdbc.execute(database.dataSource(), "INSERT INTO submitted (id, run_id, producer, consumer, payer, payee, amount,"
        + " currency, intent) SELECT gen_random_uuid(), " + runId + ", 'bank-p1', 'bank-c1', 'a', 'b', 1.00, 'EUR',"
        + " 'normal' FROM generate_series(1, 50000)");
    List<Object> ids = Jdbc.column(database.dataSource(), "SELECT id FROM submitted LIMIT 2000");
    int size = ids.size();
    String plan;
    try (java.sql.Connection connection = database.dataSource().getConnection();
        java.sql.PreparedStatement explain = connection.prepareStatement("EXPLAIN " + PgSubmissionLog.APPEND_REPLIES)) {
      explain.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
      explain.setArray(2, connection.createArrayOf("bool", java.util.Collections.nCopies(size, true).toArray()));
      explain.setArray(3, connection.createArrayOf("text", java.util.Collections.nCopies(size, "ACCEPTED").toArray()));
      explain.setArray(4, connection.createArrayOf("text", new Object[size]));
      explain.setArray(5, connection.createArrayOf("text", new Object[size]));
      explain.setArray(6, connection.createArrayOf("int4", java.util.Collections.nCopies(size, 1).toArray()));
      StringBuilder lines = new StringBuilder();
      try (java.sql.ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          lines.append(rows.getString(1)).append('\n');
        }
      }
      plan = lines.toString();
    }

    assertTrue(plan.contains("Index Only Scan using submissions_pkey on submitted")
        || plan.contains("Index Scan using submissions_pkey on submitted"), plan);
    assertTrue(!plan.contains("Seq Scan on submitted"), plan);
  }

  /** Ids are fresh: a chunk naming one already recorded is a bug, refused on the first try and not retried. */
  @Test
  void aChunkNamingARecordedTransferFailsAndStoresNothingOfIt() {
    List<PlannedTransfer> planned = plan(4);
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.recordSubmitted(planned.subList(0, 2));
      PgSubmissionLog.SubmissionLogException failure = assertThrows(PgSubmissionLog.SubmissionLogException.class,
          () -> log.recordSubmitted(planned.subList(1, 4)));
      assertTrue(failure.getMessage().contains("recording 3 submissions") && failure.getMessage().contains("duplicate"),
          failure.getMessage());
    }
    assertEquals(2L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM submitted WHERE run_id = ?", runId));
  }

  /** The run's submissions are found by the run's block range index, not by reading the whole table. */
  @Test
  void aRunsSubmissionsAreFoundByTheirRunsIndex() {
    long earlierRun = PgSubmissionLog.startRun(database.dataSource(), 50_000, 1, "normal=1");
    Jdbc.execute(database.dataSource(), "INSERT INTO submitted (id, run_id, producer, consumer, payer, payee, amount,"
        + " currency, intent) SELECT gen_random_uuid(), " + earlierRun + ", 'bank-p1', 'bank-c1', 'a', 'b', 1.00,"
        + " 'EUR', 'normal' FROM generate_series(1, 50000)");
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.recordSubmitted(plan(10));
    }
    Jdbc.execute(database.dataSource(), "ANALYZE submitted");
    String plan = String.join("\n", Jdbc.column(database.dataSource(),
        "EXPLAIN SELECT count(*) FROM submitted WHERE run_id = " + runId).stream().map(String::valueOf).toList());
    assertTrue(plan.contains("Bitmap Index Scan on submitted_run"), plan);
    assertEquals(10L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM submitted WHERE run_id = ?", runId));
  }

  @Test
  void submissionsAreRecordedWithTheirTermsAndRepliesMarkThemAcknowledged() {
    List<PlannedTransfer> planned = plan(3);
    UUID accepted = planned.get(0).request().transferId();
    UUID refused = planned.get(1).request().transferId();
    UUID unanswered = planned.get(2).request().transferId();
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.recordSubmitted(planned);
      assertEquals(3L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM submissions WHERE NOT acknowledged "
          + "AND run_id = ?", runId));
      assertEquals(planned.get(0).request().amount().amount(), column(accepted, "amount"));
      assertEquals(planned.get(0).request().payee(), column(accepted, "payee"));

      log.recordReply(new ReplyRecord(accepted, Result.ACCEPTED, TransferStatus.PENDING, null, 2));
      log.recordReply(new ReplyRecord(refused, Result.REFUSED, null, Refusal.Code.UNKNOWN_ACCOUNT, 1));
      log.flush();

      assertEquals(true, column(accepted, "acknowledged"));
      assertEquals("ACCEPTED", column(accepted, "reply_result"));
      assertEquals("PENDING", column(accepted, "reply_state"));
      assertEquals(2, column(accepted, "attempts"));
      assertEquals(false, column(refused, "acknowledged"));
      assertEquals("UNKNOWN_ACCOUNT", column(refused, "refused_code"));
      assertEquals(false, column(unanswered, "acknowledged"));

      log.recordReply(new ReplyRecord(accepted, Result.FOUND, TransferStatus.OK, null, 0));
      log.flush();
      assertEquals(true, column(accepted, "acknowledged"), "a status answer never takes an acknowledgement back");
      assertEquals("ACCEPTED", column(accepted, "reply_result"));
      assertEquals("OK", column(accepted, "reply_state"));
      assertEquals(2, column(accepted, "attempts"));
    }
  }

  @Test
  void repliesAboutOneTransferInOneBatchKeepTheAcknowledgement() {
    ReplyRecord acknowledged = new ReplyRecord(UUID.randomUUID(), Result.DUPLICATE, TransferStatus.ACKED, null, 3);
    ReplyRecord found = new ReplyRecord(acknowledged.id(), Result.FOUND, TransferStatus.OK, null, 0);
    ReplyRecord merged = PgSubmissionLog.merge(acknowledged, found);
    assertTrue(merged.acknowledged());
    assertEquals(TransferStatus.OK, merged.state());
    assertEquals(3, merged.attempts());
  }

  @Test
  void manyRepliesAreWrittenInBatchesAndAllMadeDurableByFlush() {
    List<PlannedTransfer> planned = plan(12_000);
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      for (int from = 0; from < planned.size(); from += 1_000) {
        log.recordSubmitted(planned.subList(from, from + 1_000));
      }
      planned.forEach(transfer -> log.recordReply(
          new ReplyRecord(transfer.request().transferId(), Result.ACCEPTED, TransferStatus.PENDING, null, 1)));
      log.flush();
    }
    assertEquals(12_000L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM submissions WHERE acknowledged"));
  }

  @Test
  void repliesArrivingWithinTheLingerAreAppendedInOneTransaction() throws InterruptedException {
    List<PlannedTransfer> planned = plan(20);
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId,
        PgSubmissionLog.WRITE_PATIENCE_DEFAULT, Duration.ofSeconds(2))) {
      log.recordSubmitted(planned);
      for (PlannedTransfer transfer : planned) {
        log.recordReply(new ReplyRecord(transfer.request().transferId(), Result.ACCEPTED, TransferStatus.PENDING,
            null, 1));
        Thread.sleep(5); // one at a time, as replies come: without the linger each would be a batch of its own
      }
      log.flush();
    }
    assertEquals(20L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM replies"));
    assertEquals(1L, Jdbc.count(database.dataSource(), "SELECT count(DISTINCT replied_at) FROM replies"),
        "replied_at is the transaction's start: one append for all twenty");
  }

  @Test
  void withoutALingerEachReplyTakesWhatHasQueued() throws InterruptedException {
    List<PlannedTransfer> planned = plan(20);
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId,
        PgSubmissionLog.WRITE_PATIENCE_DEFAULT, Duration.ZERO)) {
      log.recordSubmitted(planned);
      for (PlannedTransfer transfer : planned) {
        log.recordReply(new ReplyRecord(transfer.request().transferId(), Result.ACCEPTED, TransferStatus.PENDING,
            null, 1));
        Thread.sleep(5);
      }
      log.flush();
    }
    assertEquals(20L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM replies"));
    assertTrue(Jdbc.count(database.dataSource(), "SELECT count(DISTINCT replied_at) FROM replies") > 1,
        "the baseline the linger improves on: more than one append");
  }

  @Test
  void aNegativeLingerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PgSubmissionLog(database.dataSource(), runId,
        PgSubmissionLog.WRITE_PATIENCE_DEFAULT, Duration.ofMillis(-1)));
  }

  @Test
  void anAcknowledgementCannotBeTakenBackInTheDatabaseEither() {
    List<PlannedTransfer> planned = plan(1);
    UUID id = planned.get(0).request().transferId();
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.recordSubmitted(planned);
      log.recordReply(new ReplyRecord(id, Result.ACCEPTED, TransferStatus.PENDING, null, 1));
      log.flush();
    }
    IllegalStateException updated = assertThrows(IllegalStateException.class, () ->
        Jdbc.execute(database.dataSource(), "UPDATE replies SET acknowledged = false WHERE id = ?", id));
    assertTrue(updated.getMessage().contains("refusing UPDATE on replies"), updated.getMessage());
    IllegalStateException deleted = assertThrows(IllegalStateException.class, () ->
        Jdbc.execute(database.dataSource(), "DELETE FROM replies WHERE id = ?", id));
    assertTrue(deleted.getMessage().contains("refusing DELETE on replies"), deleted.getMessage());
    assertEquals(true, column(id, "acknowledged"));
  }

  @Test
  void aReplyAboutATransferNeverRecordedMakesFlushFail() {
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.recordReply(new ReplyRecord(UUID.randomUUID(), Result.ACCEPTED, TransferStatus.PENDING, null, 1));
      assertThrows(PgSubmissionLog.SubmissionLogException.class, log::flush);
    }
  }

  @Test
  void theRunIsRecordedWithItsSummary() {
    try (PgSubmissionLog log = new PgSubmissionLog(database.dataSource(), runId)) {
      log.finishRun("fire: submitted=3");
    }
    assertEquals("fire: submitted=3", Jdbc.value(database.dataSource(), "SELECT summary FROM runs WHERE id = ?", runId));
  }
}

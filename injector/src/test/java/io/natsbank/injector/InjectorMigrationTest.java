package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A record written before replies had their own table reads the same through the view afterwards. */
class InjectorMigrationTest {

  @Test
  void repliesStoredInTheSubmissionRowsMoveToTheirOwnTableUnchanged() {
    try (TestDatabase database = TestDatabases.createEmpty()) {
      Flyway.configure().dataSource(database.dataSource()).locations("classpath:db/injector").target("2").load()
          .migrate();
      long run = (Long) Jdbc.value(database.dataSource(),
          "INSERT INTO runs (transfers, seed, mix) VALUES (3, 1, 'normal=1') RETURNING id");
      UUID acknowledged = UUID.randomUUID();
      UUID refused = UUID.randomUUID();
      UUID unanswered = UUID.randomUUID();
      insertOld(database, acknowledged, run, "true, 3, 'DUPLICATE', 'OK', NULL, now()");
      insertOld(database, refused, run, "false, 1, 'REFUSED', NULL, 'UNKNOWN_ACCOUNT', now()");
      insertOld(database, unanswered, run, "false, 0, NULL, NULL, NULL, NULL");
      List<Object> before = rows(database);

      Setup.migrateInjector(database.dataSource());

      assertEquals(before, rows(database));
      assertEquals(2L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM replies"));
      assertEquals(true, acknowledged(database, acknowledged));
      assertEquals(false, acknowledged(database, refused));
      assertEquals(false, acknowledged(database, unanswered));
    }
  }

  private static void insertOld(TestDatabase database, UUID id, long run, String replyColumns) {
    Jdbc.execute(database.dataSource(), "INSERT INTO submissions (id, run_id, producer, consumer, payer, payee,"
        + " amount, currency, intent, acknowledged, attempts, reply_result, reply_state, refused_code, replied_at)"
        + " VALUES (?, ?, 'bank-p1', 'bank-c1', 'bank-p1-0001', 'bank-c1-0002', 12.50, 'EUR', 'normal', "
        + replyColumns + ")", id, run);
  }

  private static Object acknowledged(TestDatabase database, UUID id) {
    return Jdbc.value(database.dataSource(), "SELECT acknowledged FROM submissions WHERE id = ?", id);
  }

  /** Every column the audit, the status command and psql users read, row by row. */
  private static List<Object> rows(TestDatabase database) {
    return Jdbc.column(database.dataSource(), "SELECT concat_ws('|', id, run_id, producer, consumer, payer, payee,"
        + " amount, currency, intent, submitted_at, acknowledged, attempts, reply_result, reply_state, refused_code,"
        + " replied_at) FROM submissions ORDER BY id");
  }
}

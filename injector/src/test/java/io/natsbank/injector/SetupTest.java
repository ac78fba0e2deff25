package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Setup on the real server, with participant names unique to this run (their databases are dropped after). */
@Timeout(180)
class SetupTest {
  private final String tag = "zt" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  private final String producer = tag + "-p1";
  private final String consumer = tag + "-c1";
  private final String injectorDatabase = "nbtest_" + tag.replace('-', '_') + "_injector";
  private final DatabaseSettings admin = TestDatabases.adminSettings(System.getenv());
  private final ParticipantDatabases databases = new ParticipantDatabases(
      Database.jdbcUrlWithDatabase(admin.jdbcUrl(), "placeholder").replace("placeholder", "{db}"), admin.user(),
      admin.password(), injectorDatabase);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void dropDatabases() {
    for (String name : List.of(ParticipantDatabases.databaseName(producer),
        ParticipantDatabases.databaseName(consumer), injectorDatabase)) {
      Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), name);
    }
  }

  private List<String> setup(boolean reset) throws Exception {
    out.reset();
    new Setup(databases, new PrintStream(out, true, StandardCharsets.UTF_8)).run(new Setup.Settings(
        List.of(producer), List.of(consumer), 60, Money.parseBalance("250.00", Currency.EUR), reset));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void createsMigratesAndSeedsEveryDatabaseOnceAndResetsOnRequest() throws Exception {
    List<String> first = setup(false);
    assertEquals(3, first.size(), String.join("\n", first));
    assertTrue(first.get(0).contains("producer " + producer + " database natsbank_" + tag + "_p1 created"), first.get(0));
    assertTrue(first.get(0).contains("60 new"), first.get(0));
    assertTrue(first.get(2).contains("injector database " + injectorDatabase + " created, 4 migrations applied"),
        first.get(2));

    try (HikariDataSource producerDb = databases.openParticipant(producer);
        HikariDataSource consumerDb = databases.openParticipant(consumer)) {
      assertEquals(new BigDecimal("15000.00"), Jdbc.value(producerDb, "SELECT sum(balance) FROM accounts"));
      assertEquals(new BigDecimal("15000.00"), Jdbc.value(producerDb, "SELECT sum(opening_balance) FROM accounts"));
      assertEquals(producer + "-0059", Jdbc.value(producerDb, "SELECT max(id) FROM accounts"));
      assertEquals(0L, Jdbc.count(producerDb, "SELECT count(*) FROM accounts WHERE closed OR credit_max IS NOT NULL"));
      assertEquals(new BigDecimal("0.00"), Jdbc.value(consumerDb, "SELECT sum(balance) FROM accounts"));
      assertEquals(List.of(consumer + "-0049"), Jdbc.column(consumerDb, "SELECT id FROM accounts WHERE closed"));
      assertEquals(List.of(consumer + "-0048"),
          Jdbc.column(consumerDb, "SELECT id FROM accounts WHERE credit_max = 100.00"));

      List<String> second = setup(false);
      assertTrue(second.get(0).contains("already there") && second.get(0).contains(": 0 new"), second.get(0));
      assertTrue(second.get(2).contains("0 migrations applied"), second.get(2));

      Jdbc.execute(producerDb, "UPDATE accounts SET balance = 1.00 WHERE id = ?", producer + "-0000");
    }
    List<String> reset = setup(true);
    assertTrue(reset.get(0).contains("dropped and recreated") && reset.get(0).contains("60 new"), reset.get(0));
    try (HikariDataSource producerDb = databases.openParticipant(producer)) {
      assertEquals(new BigDecimal("15000.00"), Jdbc.value(producerDb, "SELECT sum(balance) FROM accounts"));
    }
  }

  @Test
  void aFreshSetupAuditsClean() throws Exception {
    setup(false);
    try (HikariDataSource producerDb = databases.openParticipant(producer);
        HikariDataSource consumerDb = databases.openParticipant(consumer);
        HikariDataSource injectorDb = databases.openInjector()) {
      AuditReport report = new Auditor(Map.of(producer, producerDb), Map.of(consumer, consumerDb), injectorDb,
          Auditor.Settings.DEFAULT).audit();
      assertTrue(report.clean(), String.join("\n", report.details()));
      assertEquals("audit: transfers=0 final=0 ok=0 rejected=0 pending=0 lost=0 duplicated=0 mismatched=0 "
          + "unconfirmed=0 conserved=true", report.line());
    }
  }
}

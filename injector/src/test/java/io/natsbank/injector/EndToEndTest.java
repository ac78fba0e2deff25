package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.consumer.ConsumerConfig;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerConfig;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.store.pg.Database;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import io.natsbank.testing.TestNats;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import io.natsbank.transport.Subjects;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The injector against the real thing: a nats-server of its own, a producer and a consumer service
 * on their own databases, 20% of protocol messages dropped and 5% duplicated. Fire, wait for quiet,
 * audit: every transfer accepted, every invariant holds.
 */
@Timeout(300)
class EndToEndTest {
  private static final Subjects SUBJECTS = new Subjects("nbe2e");
  private static final int TRANSFERS = 400;

  @Test
  void firedTransfersAllEndFinalAgreedConfirmedAndConservedUnderMessageLoss() throws Exception {
    Tuning tuning = new Tuning(64, 10_000, 2, Duration.ofMillis(200), new Backoff(200, 1_000),
        Duration.ofMillis(50), 500);
    FaultSettings faults = new FaultSettings(0.20, 0.05, 0, 0, 0, 0, 0, 7);
    try (TestNats nats = TestNats.start();
        TestDatabase producerDb = TestDatabases.create(Database.Role.PRODUCER);
        TestDatabase consumerDb = TestDatabases.create(Database.Role.CONSUMER);
        TestDatabase injectorDb = TestDatabases.createEmpty()) {
      Setup.seedAccounts(producerDb.dataSource(), "e2e-p1", 20, Money.parseBalance("1000.00", Currency.EUR), false);
      Setup.seedAccounts(consumerDb.dataSource(), "e2e-c1", 20, Money.zero(Currency.EUR), true);
      Setup.migrateInjector(injectorDb.dataSource());
      try (ConsumerService consumer = ConsumerService.start(new ConsumerConfig("e2e-c1", Set.of("e2e-p1"),
              NatsSettings.of(nats.url(), "e2e-c1"), SUBJECTS, consumerDb.settings(), faults, tuning));
          ProducerService producer = ProducerService.start(new ProducerConfig("e2e-p1", Set.of("e2e-c1"),
              NatsSettings.of(nats.url(), "e2e-p1"), SUBJECTS, producerDb.settings(), faults, tuning, 500));
          NatsTransport transport = NatsTransport.connect(NatsSettings.of(nats.url(), "e2e-injector"))) {
        // every 50th payee (index 49) is closed and one in 50 capped: with 20 accounts, rejections come
        // from the unknown payee and insufficient funds kinds of the mix
        TransferPlanner planner = new TransferPlanner(new TransferPlanner.Settings(List.of("e2e-p1"),
            List.of("e2e-c1"), 20, TransferMix.parse("normal=80,unknown-payee=10,insufficient-funds=10"),
            Money.parsePositive("0.01", Currency.EUR), Money.parsePositive("20.00", Currency.EUR),
            Money.parsePositive("1000000.00", Currency.EUR)), 11, UuidV7.create()::next);
        long runId = PgSubmissionLog.startRun(injectorDb.dataSource(), TRANSFERS, 11, "e2e");
        FireResult result;
        try (PgSubmissionLog log = new PgSubmissionLog(injectorDb.dataSource(), runId)) {
          result = new Firer(new ProducerApi(transport, SUBJECTS), log,
              new FireSettings(32, Duration.ofSeconds(5), 20, 50, 1_000, Duration.ofSeconds(30)))
              .fire(TRANSFERS, planner);
        }
        assertEquals(TRANSFERS, result.accepted(), result.summaryLine() + " " + result.lastFailure());
        assertEquals(0, result.failed() + result.refused(), result.summaryLine());
        assertTrue(result.rejected() > 0 && result.ok() > 0, result.summaryLine());

        Auditor auditor = new Auditor(Map.of("e2e-p1", producerDb.dataSource()),
            Map.of("e2e-c1", consumerDb.dataSource()), injectorDb.dataSource(), new Auditor.Settings(50, 20, 60));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode = new AuditRun(auditor, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
            .run(Duration.ofSeconds(120));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exitCode, printed);
        assertTrue(printed.contains("audit: transfers=" + TRANSFERS + " final=" + TRANSFERS + " "), printed);
        assertTrue(printed.endsWith("pending=0 lost=0 duplicated=0 mismatched=0 unconfirmed=0 conserved=true"
            + System.lineSeparator()), printed);

        UUID some = (UUID) Jdbc.value(injectorDb.dataSource(), "SELECT id FROM submissions ORDER BY id LIMIT 1");
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        assertEquals(0, new StatusQuery(new ProducerApi(transport, SUBJECTS), Duration.ofSeconds(5),
            new PrintStream(status, true, StandardCharsets.UTF_8), System.err).run(some, List.of("e2e-p1")));
        assertTrue(status.toString(StandardCharsets.UTF_8).contains("final=true"), status.toString());
      }
    }
  }
}

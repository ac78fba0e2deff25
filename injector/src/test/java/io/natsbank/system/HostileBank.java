package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.codec.DecodeException;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.injector.AuditRun;
import io.natsbank.injector.Auditor;
import io.natsbank.injector.Intent;
import io.natsbank.injector.PgSubmissionLog;
import io.natsbank.injector.PlannedTransfer;
import io.natsbank.injector.ReplyRecord;
import io.natsbank.injector.Setup;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.runtime.Counters;
import io.natsbank.system.HostileMessages.Hostile;
import io.natsbank.system.HostileMessages.Known;
import io.natsbank.system.HostileMessages.Target;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.FaultSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * A running bank for hostile input: producers p1 and p2, consumers c1 and c2 (serving only p1 and
 * p2), one instance each, on a nats-server and databases of their own; an injector database holding
 * the record of every real transfer, so that the real audit can judge the bank afterwards. Before the
 * hostile input it holds a few real transfers (the {@link Known} ones among them) and is quiet.
 */
final class HostileBank implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration COUNTED_WAIT = Duration.ofSeconds(10);

  final TestSystem system;
  final Known known;
  private final Map<String, Counters> counters = new LinkedHashMap<>();
  private final List<ProducerService> producers = new ArrayList<>();
  private final List<ConsumerService> consumers = new ArrayList<>();
  private final TestDatabase injectorDatabase;
  private final PgSubmissionLog submissionLog;
  private final Map<String, Long> refusedByCounter = new TreeMap<>();
  private String ledger;
  private int realTransfers;
  private int fired;

  private HostileBank() {
    system = new TestSystem(List.of("p1", "p2"), List.of("c1", "c2"));
    injectorDatabase = TestDatabases.createEmpty();
    try {
      Setup.migrateInjector(injectorDatabase.dataSource());
      submissionLog = new PgSubmissionLog(injectorDatabase.dataSource(),
          PgSubmissionLog.startRun(injectorDatabase.dataSource(), 0, 0, "hostile"));
      for (String consumer : List.of("c1", "c2")) {
        ConsumerService service = system.startConsumer(consumer, FaultSettings.NONE, Set.of("p1", "p2"));
        consumers.add(service);
        counters.put(consumer, service.counters());
      }
      for (String producer : List.of("p1", "p2")) {
        ProducerService service = system.startProducer(producer, FaultSettings.NONE);
        producers.add(service);
        counters.put(producer, service.counters());
      }
      known = transfersToNameInHostileMessages();
      system.awaitQuiet(WAIT);
      ledger = ledger();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  static HostileBank start() {
    return new HostileBank();
  }

  /** An OK, a decided REJECTED and a rejected-at-once transfer at p1, and one OK at p2, all final. */
  private Known transfersToNameInHostileMessages() {
    TransferTerms ok = terms("p1", "c1", "p1-0", "c1-0", "3.00");
    TransferTerms closedPayee = terms("p1", "c1", "p1-1", "c1-9", "2.00");
    TransferTerms overdraft = terms("p1", "c1", "p1-2", "c1-1", "5000.00");
    UUID okId = transfer(ok, TransferStatus.OK);
    UUID rejectedId = transfer(closedPayee, TransferStatus.REJECTED);
    UUID rejectedAtOnceId = transfer(overdraft, TransferStatus.REJECTED);
    transfer(terms("p2", "c2", "p2-0", "c2-0", "4.00"), TransferStatus.OK);
    return new Known(okId, ok, rejectedId, closedPayee, RejectCause.ACCOUNT_CLOSED, rejectedAtOnceId);
  }

  private static TransferTerms terms(String producer, String consumer, String payer, String payee, String amount) {
    return new TransferTerms(producer, consumer, payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  /** A real transfer, recorded in the injector's database as fire records it; waits until it is final. */
  UUID transfer(TransferTerms terms, TransferStatus expected) {
    UUID id = UUID.randomUUID();
    SubmitRequest request = new SubmitRequest(id, terms.consumer(), terms.payer(), terms.payee(), terms.amount());
    submissionLog.recordSubmitted(List.of(new PlannedTransfer(terms.producer(), request, Intent.NORMAL)));
    ApiReply reply = system.submit(terms.producer(), request);
    assertEquals(Result.ACCEPTED, reply.result(), () -> "a real transfer is accepted: " + reply.error());
    submissionLog.recordReply(new ReplyRecord(id, reply.result(), reply.transfer().status(), null, 1));
    realTransfers++;
    TestSystem.await(WAIT, "transfer " + id + " to be final",
        () -> system.status(terms.producer(), id).transfer().status().isFinal());
    assertEquals(expected, system.status(terms.producer(), id).transfer().status(), "outcome of " + terms);
    return id;
  }

  /**
   * Sends one hostile message and checks it was refused with one of its expected causes, counted
   * once, and changed nothing: no row, no balance, no failed handler, no stopped subscription.
   */
  void fireAndCheck(Hostile hostile) {
    Map<String, Long> before = refusals();
    String subject = subject(hostile.target());
    if (hostile.target().isApi()) {
      ApiReply reply = request(subject, hostile);
      assertEquals(Result.REFUSED, reply.result(), () -> "refused: " + hostile);
      assertTrue(hostile.codes().contains(reply.error().code()), () -> reply.error() + " for " + hostile);
      assertFalse(reply.error().message().isBlank(), () -> "a refusal says why: " + hostile);
    } else {
      system.client.publish(subject, Map.of(), hostile.body());
      system.client.flush(Duration.ofSeconds(2));
    }
    TestSystem.await(COUNTED_WAIT, "the refusal of " + hostile, () -> total(refusals()) > total(before));
    Map<String, Long> counted = difference(before, refusals());
    assertEquals(1, counted.size(), () -> "counted once: " + counted + " for " + hostile);
    String counter = counted.keySet().iterator().next();
    assertTrue(hostile.counters().contains(counter.substring(counter.indexOf('/') + 1)),
        () -> "counted as " + counted + ", expected one of " + hostile.counters() + " for " + hostile);
    assertEquals(1L, counted.get(counter), () -> "counted once: " + counted + " for " + hostile);
    refusedByCounter.merge(counter.substring(counter.indexOf('/') + 1), 1L, Long::sum);
    fired++;
    assertEquals(ledger, ledger(), () -> "nothing moved after " + hostile);
    assertServicesHealthy(hostile.toString());
  }

  private ApiReply request(String subject, Hostile hostile) {
    try {
      Delivery delivery = system.client.request(subject, Map.of(), hostile.body(), TestSystem.REQUEST_TIMEOUT)
          .get(TestSystem.REQUEST_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      return ApiCodec.decodeReply(delivery.body());
    } catch (ExecutionException | TimeoutException | DecodeException e) {
      throw new AssertionError("no readable reply to " + hostile + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private String subject(Target target) {
    return switch (target) {
      case POSTINGS -> system.subjects.postings(HostileMessages.CONSUMER);
      case RESULTS -> system.subjects.results(HostileMessages.PRODUCER);
      case SUBMIT -> system.subjects.submit(HostileMessages.PRODUCER);
      case STATUS -> system.subjects.status(HostileMessages.PRODUCER);
    };
  }

  /** Every refusal counter of every service, as "participant/refused_total.what.CODE". */
  private Map<String, Long> refusals() {
    Map<String, Long> all = new TreeMap<>();
    counters.forEach((participant, serviceCounters) -> serviceCounters.snapshot().forEach((name, value) -> {
      if (name.startsWith("refused_total.")) {
        all.put(participant + "/" + name, value);
      }
    }));
    return all;
  }

  private static long total(Map<String, Long> counters) {
    return counters.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> changed = new TreeMap<>();
    after.forEach((name, value) -> {
      long delta = value - before.getOrDefault(name, 0L);
      if (delta != 0) {
        changed.put(name, delta);
      }
    });
    return changed;
  }

  void assertServicesHealthy(String after) {
    counters.forEach((participant, serviceCounters) -> serviceCounters.snapshot().forEach((name, value) ->
        assertFalse(name.startsWith("handler_errors_total.") && value > 0,
            () -> participant + " " + name + "=" + value + " after " + after)));
    producers.forEach(producer -> assertTrue(producer.isReady(), () -> producer.name() + " ready after " + after));
    consumers.forEach(consumer -> assertTrue(consumer.isReady(), () -> consumer.name() + " ready after " + after));
  }

  /** Every balance, and how many transfers, postings and entries each database holds, as one text. */
  private String ledger() {
    StringBuilder text = new StringBuilder();
    system.producers.forEach((name, database) -> text.append(name).append(": ")
        .append(rows(database, "SELECT id || '=' || balance FROM accounts ORDER BY id"))
        .append(rows(database, "SELECT 'transfers=' || count(*) FROM transfers"))
        .append(rows(database, "SELECT 'entries=' || count(*) FROM entries")).append('\n'));
    system.consumers.forEach((name, database) -> text.append(name).append(": ")
        .append(rows(database, "SELECT id || '=' || balance FROM accounts ORDER BY id"))
        .append(rows(database, "SELECT 'postings=' || count(*) || ' confirmed=' || count(*) FILTER (WHERE confirmed) "
            + "FROM postings"))
        .append(rows(database, "SELECT 'entries=' || count(*) FROM entries")).append('\n'));
    return text.toString();
  }

  private static List<String> rows(TestDatabase database, String sql) {
    return TestSystem.query(database, sql, resultSet -> resultSet.getString(1));
  }

  /**
   * After the hostile input: every service up and serving, real transfers through every producer
   * still go through, and the injector's audit of every database is clean.
   */
  void assertStillWorkingAndAuditClean() {
    assertServicesHealthy("all the hostile input");
    transfer(terms("p1", "c1", "p1-3", "c1-3", "7.00"), TransferStatus.OK);
    transfer(terms("p2", "c2", "p2-3", "c2-3", "8.00"), TransferStatus.OK);
    transfer(terms("p1", "c2", "p1-4", "c2-9", "1.00"), TransferStatus.REJECTED);
    submissionLog.flush();
    system.awaitQuiet(WAIT);
    assertEquals(List.of(), QuietChecks.violations(system));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode;
    try {
      exitCode = new AuditRun(auditor(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
          .run(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode, printed);
    assertTrue(printed.contains("audit: transfers=" + realTransfers + " final=" + realTransfers + " "), printed);
    System.out.println("hostile: fired=" + fired + " refused by cause " + refusedByCounter);
    System.out.print(printed);
  }

  private Auditor auditor() {
    Map<String, DataSource> producerDatabases = new LinkedHashMap<>();
    system.producers.forEach((name, database) -> producerDatabases.put(name, database.dataSource()));
    Map<String, DataSource> consumerDatabases = new LinkedHashMap<>();
    system.consumers.forEach((name, database) -> consumerDatabases.put(name, database.dataSource()));
    return new Auditor(producerDatabases, consumerDatabases, injectorDatabase.dataSource(),
        new Auditor.Settings(100, 20, 60));
  }

  int fired() {
    return fired;
  }

  @Override
  public void close() {
    try {
      if (submissionLog != null) {
        submissionLog.close();
      }
    } finally {
      try {
        system.close();
      } finally {
        injectorDatabase.close();
      }
    }
  }
}

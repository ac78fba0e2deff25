package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.ConsumerNode;
import io.natsbank.node.NodeEvents;
import io.natsbank.node.ProducerNode;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.testing.Await;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A producer node and a consumer node over their PostgreSQL stores, wired by in-memory outboxes
 * that the test delivers (or loses, or duplicates) by hand: posting, response, confirm.
 */
class PgNodesEndToEndTest {
  static final String PRODUCER = "bank-a";
  static final String CONSUMER = "bank-b";
  static final long T0 = 1_760_000_000_000L;
  static final long HOUR_MILLIS = 3_600_000;
  static final Duration WAIT = Duration.ofSeconds(60);
  static final List<Account> PRODUCER_ACCOUNTS = List.of(
      new Account("alice", Currency.EUR, new BigDecimal("1000.00"), false, null),
      new Account("hot", Currency.EUR, new BigDecimal("100000.00"), false, null));
  static final List<Account> CONSUMER_ACCOUNTS = List.of(
      new Account("dave", Currency.EUR, new BigDecimal("0.00"), false, null),
      new Account("closed", Currency.EUR, new BigDecimal("0.00"), true, null));

  private static TestDatabase producerDatabase;
  private static TestDatabase consumerDatabase;
  private final AtomicLong nowMillis = new AtomicLong(T0);
  private final List<ProtocolMessage> toConsumer = Collections.synchronizedList(new ArrayList<>());
  private final List<ProtocolMessage> toProducer = Collections.synchronizedList(new ArrayList<>());
  private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
  private ProducerNode producer;
  private ConsumerNode consumer;

  @BeforeAll
  static void createDatabases() {
    producerDatabase = TestDatabases.create(Database.Role.PRODUCER);
    consumerDatabase = TestDatabases.create(Database.Role.CONSUMER);
  }

  @AfterAll
  static void dropDatabases() {
    try {
      if (producerDatabase != null) {
        producerDatabase.close();
      }
    } finally {
      if (consumerDatabase != null) {
        consumerDatabase.close();
      }
    }
  }

  @BeforeEach
  void start() {
    Jdbc.execute(producerDatabase.dataSource(), "TRUNCATE entries, transfers, accounts");
    Jdbc.execute(consumerDatabase.dataSource(), "TRUNCATE entries, postings, accounts");
    Accounts.insertIfAbsent(producerDatabase.dataSource(), PRODUCER_ACCOUNTS, producerDatabase.statementTimeoutMillis());
    Accounts.insertIfAbsent(consumerDatabase.dataSource(), CONSUMER_ACCOUNTS, consumerDatabase.statementTimeoutMillis());
    producer = producerNode(producerDatabase.dataSource(), 1);
    consumer = new ConsumerNode(
        new ConsumerCore(new ConsumerCore.Settings(CONSUMER, Set.of(PRODUCER), new Backoff(100, 10_000))),
        new PgConsumerStore(consumerDatabase.dataSource(), consumerDatabase.statementTimeoutMillis()),
        toProducer::addAll, nowMillis::get, new SplittableRandom(2), events());
  }

  private ProducerNode producerNode(javax.sql.DataSource dataSource, long seed) {
    return new ProducerNode(
        new ProducerCore(new ProducerCore.Settings(PRODUCER, Set.of(CONSUMER), new Backoff(100, 10_000), 60_000)),
        new PgProducerStore(dataSource, producerDatabase.statementTimeoutMillis()),
        toConsumer::addAll, nowMillis::get, new SplittableRandom(seed), events());
  }

  private NodeEvents events() {
    return (what, transferId, refusal) -> refusals.add(what + " " + transferId + ": " + refusal);
  }

  @Test
  void anAcceptedTransferMovesMoneyExactlyOnceAndDuplicatesChangeNothing() {
    SubmitRequest request = request("alice", "dave", "100.00");

    assertInstanceOf(SubmitDecision.Accepted.class, producer.submit(List.of(request)).get(0));
    assertInstanceOf(SubmitDecision.Existing.class, producer.submit(List.of(request)).get(0));
    List<ProtocolMessage> postings = take(toConsumer);
    assertEquals(1, postings.size(), "a duplicate submit sends nothing");

    consumer.onMessages(List.of(postings.get(0), postings.get(0)));
    consumer.onMessages(postings);
    List<ProtocolMessage> responses = take(toProducer);
    assertEquals(3, responses.size(), "every posting is answered, duplicates with the stored decision");
    responses.forEach(response -> assertEquals(Outcome.OK, ((Response) response).outcome()));

    producer.onResponses(responses.stream().map(Response.class::cast).toList());
    List<ProtocolMessage> confirms = take(toConsumer);
    assertEquals(3, confirms.size(), "the first response is applied, the others are confirmed again");
    consumer.onMessages(confirms);
    consumer.onMessages(confirms);

    assertEquals(TransferStatus.OK, producer.status(request.transferId()).orElseThrow().status());
    assertTrue(consumer.status(request.transferId()).orElseThrow().confirmed());
    assertBalances("900.00", "100.00");
    assertEquals(1L, entries(producerDatabase, "DEBIT"));
    assertEquals(1L, entries(consumerDatabase, "CREDIT"));
    assertQuietAfterAnHour();
    assertEquals(List.of(), refusals);
  }

  @Test
  void aRejectedTransferRefundsThePayerExactlyOnce() {
    SubmitRequest request = request("alice", "closed", "250.00");
    producer.submit(List.of(request));
    assertBalances("750.00", "0.00");

    consumer.onMessages(take(toConsumer));
    List<Response> responses = take(toProducer).stream().map(Response.class::cast).toList();
    assertEquals(RejectCause.ACCOUNT_CLOSED, responses.get(0).cause());
    producer.onResponses(responses);
    producer.onResponses(responses);
    consumer.onMessages(take(toConsumer));

    ProducerTransfer transfer = producer.status(request.transferId()).orElseThrow();
    assertEquals(TransferStatus.REJECTED, transfer.status());
    assertEquals(RejectCause.ACCOUNT_CLOSED, transfer.cause());
    assertTrue(consumer.status(request.transferId()).orElseThrow().confirmed());
    assertBalances("1000.00", "0.00");
    assertEquals(1L, entries(producerDatabase, "REFUND"));
    assertEquals(0L, entries(consumerDatabase, "CREDIT"));
    assertQuietAfterAnHour();
  }

  @Test
  void lostMessagesAreSentAgainUntilTheTransferIsConfirmed() {
    SubmitRequest request = request("alice", "dave", "1.00");
    producer.submit(List.of(request));
    take(toConsumer);

    nowMillis.addAndGet(HOUR_MILLIS);
    assertEquals(1, producer.resendDue(100));
    Posting resent = (Posting) take(toConsumer).get(0);
    assertEquals(2, resent.attempt());
    consumer.onMessages(List.of(resent));
    take(toProducer);

    nowMillis.addAndGet(HOUR_MILLIS);
    assertEquals(1, consumer.resendDue(100));
    assertEquals(1, producer.resendDue(100), "the producer has heard nothing either");
    take(toConsumer);
    producer.onResponses(take(toProducer).stream().map(Response.class::cast).toList());
    List<ProtocolMessage> confirms = take(toConsumer);
    assertInstanceOf(Confirm.class, confirms.get(0));

    nowMillis.addAndGet(HOUR_MILLIS);
    assertEquals(1, consumer.resendDue(100), "the confirm was lost: the consumer asks again");
    producer.onResponses(take(toProducer).stream().map(Response.class::cast).toList());
    consumer.onMessages(take(toConsumer));

    ConsumerPosting posting = consumer.status(request.transferId()).orElseThrow();
    assertTrue(posting.confirmed());
    assertEquals(3, posting.responses());
    assertEquals(3, producer.status(request.transferId()).orElseThrow().attempts());
    assertBalances("999.00", "1.00");
    assertQuietAfterAnHour();
  }

  @Test
  void aBatchOnAHotAccountDebitsItOnceForAllItsTransfers() {
    List<SubmitRequest> requests = new ArrayList<>();
    for (int index = 1; index <= 50; index++) {
      requests.add(request("hot", "dave", index + ".00"));
    }

    producer.submit(requests);
    consumer.onMessages(take(toConsumer));
    producer.onResponses(take(toProducer).stream().map(Response.class::cast).toList());
    consumer.onMessages(take(toConsumer));

    assertEquals(new BigDecimal("98725.00"), balance(producerDatabase, "hot"));
    assertEquals(new BigDecimal("1275.00"), balance(consumerDatabase, "dave"));
    assertEquals(50L, Jdbc.count(producerDatabase.dataSource(),
        "SELECT count(*) FROM transfer_status WHERE state = 'OK' AND final AND next_resend_at IS NULL"));
    assertEquals(50L, Jdbc.count(consumerDatabase.dataSource(),
        "SELECT count(*) FROM posting_status WHERE confirmed AND next_resend_at IS NULL"));
    assertQuietAfterAnHour();
  }

  @Test
  void twoProducerInstancesSubmittingTheSameTransfersDebitOnce() throws Exception {
    List<SubmitRequest> requests = new ArrayList<>();
    for (int index = 0; index < 40; index++) {
      requests.add(request("hot", "dave", "10.00"));
    }
    List<SubmitRequest> reversed = new ArrayList<>(requests);
    Collections.reverse(reversed);
    ProducerNode secondInstance = producerNode(producerDatabase.openPool("second"), 3);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<List<SubmitDecision>> first = threads.submit(() -> {
        start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return producer.submit(requests);
      });
      Future<List<SubmitDecision>> second = threads.submit(() -> {
        start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return secondInstance.submit(reversed);
      });
      List<SubmitDecision> decisions = new ArrayList<>(Await.result(first, WAIT));
      decisions.addAll(Await.result(second, WAIT));

      assertEquals(40, decisions.stream().filter(SubmitDecision.Accepted.class::isInstance).count());
      assertEquals(40, decisions.stream().filter(SubmitDecision.Existing.class::isInstance).count());
    } finally {
      threads.shutdownNow();
    }
    assertEquals(40, take(toConsumer).size());
    assertEquals(new BigDecimal("99600.00"), balance(producerDatabase, "hot"));
  }

  @Test
  void twoConsumerInstancesGivenTheSamePostingsCreditOnce() {
    List<SubmitRequest> requests = new ArrayList<>();
    for (int index = 0; index < 40; index++) {
      requests.add(request("hot", "dave", "2.50"));
    }
    producer.submit(requests);
    List<ProtocolMessage> postings = take(toConsumer);
    List<ProtocolMessage> reversed = new ArrayList<>(postings);
    Collections.reverse(reversed);
    ConsumerNode secondInstance = new ConsumerNode(
        new ConsumerCore(new ConsumerCore.Settings(CONSUMER, Set.of(PRODUCER), new Backoff(100, 10_000))),
        new PgConsumerStore(consumerDatabase.openPool("second-consumer"), consumerDatabase.statementTimeoutMillis()),
        toProducer::addAll, nowMillis::get, new SplittableRandom(4), events());

    runAtOnce(() -> consumer.onMessages(postings), () -> secondInstance.onMessages(reversed));

    List<Response> responses = take(toProducer).stream().map(Response.class::cast).toList();
    assertEquals(80, responses.size(), "each instance answers every posting");
    responses.forEach(response -> assertEquals(Outcome.OK, response.outcome()));
    assertEquals(new BigDecimal("100.00"), balance(consumerDatabase, "dave"));
    assertEquals(40L, entries(consumerDatabase, "CREDIT"));
  }

  private static void runAtOnce(Runnable first, Runnable second) {
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> runs = new ArrayList<>();
      for (Runnable each : List.of(first, second)) {
        runs.add(threads.submit(() -> {
          start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          each.run();
          return null;
        }));
      }
      runs.forEach(run -> Await.result(run, WAIT));
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Each batch waits for the database twice, its commit included: once for everything it reads (locks
   * included) and once for everything it writes together with the COMMIT. Sending each statement alone
   * took ten waits for a batch of submits; with the commit on its own, three.
   */
  @Test
  void everyBatchWaitsOnceForItsReadsAndOnceForItsWritesAndCommit() {
    RecordingProducerStore producerStore = new RecordingProducerStore(
        new PgProducerStore(producerDatabase.dataSource(), producerDatabase.statementTimeoutMillis()));
    RecordingConsumerStore consumerStore = new RecordingConsumerStore(
        new PgConsumerStore(consumerDatabase.dataSource(), consumerDatabase.statementTimeoutMillis()));
    ProducerNode recordedProducer = new ProducerNode(
        new ProducerCore(new ProducerCore.Settings(PRODUCER, Set.of(CONSUMER), new Backoff(100, 10_000), 60_000)),
        producerStore, toConsumer::addAll, nowMillis::get, new SplittableRandom(3), events());
    ConsumerNode recordedConsumer = new ConsumerNode(
        new ConsumerCore(new ConsumerCore.Settings(CONSUMER, Set.of(PRODUCER), new Backoff(100, 10_000))),
        consumerStore, toProducer::addAll, nowMillis::get, new SplittableRandom(4), events());

    recordedProducer.submit(List.of(request("alice", "dave", "1.00"), request("hot", "dave", "2.00"),
        request("alice", "closed", "3.00")));
    assertEquals(2, producerStore.last.roundTrips(), "submits: reads, then writes and commit");
    recordedConsumer.onMessages(take(toConsumer));
    assertEquals(2, consumerStore.last.roundTrips(), "postings: reads, then writes and commit");
    recordedProducer.onResponses(take(toProducer).stream().map(Response.class::cast).toList());
    assertEquals(2, producerStore.last.roundTrips(), "responses: reads, then writes and commit");
    recordedConsumer.onMessages(take(toConsumer));
    assertEquals(2, consumerStore.last.roundTrips(), "confirms: reads, then writes and commit");

    assertBalances("999.00", "3.00");
    assertEquals(List.of(), refusals);
  }

  /** Keeps the last transaction, to count its round trips after the commit. */
  private static final class RecordingProducerStore implements io.natsbank.node.ProducerStore {
    private final PgProducerStore store;
    private PgTx last;

    RecordingProducerStore(PgProducerStore store) {
      this.store = store;
    }

    @Override
    public <T> T inTransaction(io.natsbank.node.TransactionWork<Tx, T> work) {
      return store.inTransaction(tx -> {
        last = (PgTx) tx;
        return work.run(tx);
      });
    }

    @Override
    public java.util.Optional<ProducerTransfer> find(UUID id) {
      return store.find(id);
    }

    @Override
    public long unfinishedCount() {
      return store.unfinishedCount();
    }
  }

  private static final class RecordingConsumerStore implements io.natsbank.node.ConsumerStore {
    private final PgConsumerStore store;
    private PgTx last;

    RecordingConsumerStore(PgConsumerStore store) {
      this.store = store;
    }

    @Override
    public <T> T inTransaction(io.natsbank.node.TransactionWork<Tx, T> work) {
      return store.inTransaction(tx -> {
        last = (PgTx) tx;
        return work.run(tx);
      });
    }

    @Override
    public java.util.Optional<ConsumerPosting> find(UUID id) {
      return store.find(id);
    }
  }

  // ---- helpers

  private static SubmitRequest request(String payer, String payee, String amount) {
    return new SubmitRequest(UUID.randomUUID(), CONSUMER, payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  private static List<ProtocolMessage> take(List<ProtocolMessage> outbox) {
    synchronized (outbox) {
      List<ProtocolMessage> taken = List.copyOf(outbox);
      outbox.clear();
      return taken;
    }
  }

  private void assertBalances(String alice, String dave) {
    assertEquals(new BigDecimal(alice), balance(producerDatabase, "alice"));
    assertEquals(new BigDecimal(dave), balance(consumerDatabase, "dave"));
  }

  private static BigDecimal balance(TestDatabase database, String account) {
    return Accounts.readAll(database.dataSource(), database.statementTimeoutMillis()).stream()
        .filter(each -> each.id().equals(account)).findFirst().orElseThrow().balance();
  }

  private static long entries(TestDatabase database, String kind) {
    return Jdbc.count(database.dataSource(), "SELECT count(*) FROM entries WHERE kind = ?", kind);
  }

  /** Once everything is confirmed, nobody re-sends anything, however long one waits. */
  private void assertQuietAfterAnHour() {
    nowMillis.addAndGet(HOUR_MILLIS);
    assertEquals(0, producer.resendDue(100));
    assertEquals(0, consumer.resendDue(100));
    assertEquals(List.of(), take(toConsumer));
    assertEquals(List.of(), take(toProducer));
  }
}

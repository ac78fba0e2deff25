package io.natsbank.system;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.DecodeException;
import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.consumer.ConsumerConfig;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerConfig;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.store.pg.Accounts;
import io.natsbank.store.pg.Database;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import io.natsbank.testing.TestNats;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A small nats-bank of the test's own: a nats-server on a free port, one fresh database per
 * participant with seeded accounts, and producer and consumer instances started in-process exactly
 * as their mains start them. Closing it stops everything and drops the databases.
 */
final class TestSystem implements AutoCloseable {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  static final Tuning FAST_TUNING = new Tuning(64, 10_000, 2, Duration.ofMillis(200), new Backoff(100, 800),
      Duration.ofMillis(50), 200);
  static final BigDecimal OPENING_BALANCE = new BigDecimal("1000.00");

  final TestNats nats;
  final Subjects subjects = new Subjects("nbtest");
  final Map<String, TestDatabase> producers = new LinkedHashMap<>();
  final Map<String, TestDatabase> consumers = new LinkedHashMap<>();
  final Transport client;
  private final List<AutoCloseable> running = new ArrayList<>();

  TestSystem(List<String> producerNames, List<String> consumerNames) {
    nats = TestNats.start();
    for (String name : producerNames) {
      TestDatabase database = TestDatabases.create(Database.Role.PRODUCER);
      producers.put(name, database);
      seed(database, name, OPENING_BALANCE);
    }
    for (String name : consumerNames) {
      TestDatabase database = TestDatabases.create(Database.Role.CONSUMER);
      consumers.put(name, database);
      seed(database, name, BigDecimal.ZERO.setScale(2));
    }
    client = NatsTransport.connect(NatsSettings.of(nats.url(), "test-client"));
  }

  /** Accounts NAME-0..NAME-9; NAME-8 has a credit limit of 100.00, NAME-9 is closed. */
  private static void seed(TestDatabase database, String name, BigDecimal balance) {
    List<Account> accounts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accounts.add(new Account(account(name, i), Currency.EUR, balance, i == 9,
          i == 8 ? new BigDecimal("100.00") : null));
    }
    Accounts.insertIfAbsent(database.dataSource(), accounts, database.statementTimeoutMillis());
  }

  static String account(String participant, int index) {
    return participant + "-" + index;
  }

  ProducerService startProducer(String name, FaultSettings faults) {
    return startProducer(name, faults, ProducerConfig.UNFINISHED_MAX_DEFAULT);
  }

  /** A producer that answers submits BUSY while {@code unfinishedMax} of its transfers are unfinished. */
  ProducerService startProducer(String name, FaultSettings faults, int unfinishedMax) {
    ProducerConfig config = new ProducerConfig(name, consumers.keySet(), NatsSettings.of(nats.url(), name),
        subjects, producers.get(name).settings(), faults, FAST_TUNING, 1_000, unfinishedMax);
    return register(ProducerService.start(config));
  }

  /** A producer with its own batching and re-send settings. */
  ProducerService startProducer(String name, Tuning tuning) {
    ProducerConfig config = new ProducerConfig(name, consumers.keySet(), NatsSettings.of(nats.url(), name),
        subjects, producers.get(name).settings(), FaultSettings.NONE, tuning, 1_000,
        ProducerConfig.UNFINISHED_MAX_DEFAULT);
    return register(ProducerService.start(config));
  }

  ConsumerService startConsumer(String name, FaultSettings faults) {
    return startConsumer(name, faults, Set.of());
  }

  /** A consumer that serves only {@code producers} (empty: any producer). */
  ConsumerService startConsumer(String name, FaultSettings faults, Set<String> producers) {
    ConsumerConfig config = new ConsumerConfig(name, producers, NatsSettings.of(nats.url(), name), subjects,
        consumers.get(name).settings(), faults, FAST_TUNING);
    return register(ConsumerService.start(config));
  }

  private <T extends AutoCloseable> T register(T service) {
    synchronized (running) {
      running.add(service);
    }
    return service;
  }

  void stop(AutoCloseable service) throws Exception {
    synchronized (running) {
      running.remove(service);
    }
    service.close();
  }

  /** Submits through the producer's API, re-sending the same request on timeout, BUSY or UNAVAILABLE. */
  ApiReply submit(String producer, SubmitRequest request) {
    byte[] body = ApiCodec.encodeSubmit(request);
    return requestWithRetries(subjects.submit(producer), body);
  }

  ApiReply status(String producer, java.util.UUID transferId) {
    return requestWithRetries(subjects.status(producer), ApiCodec.encodeStatus(transferId));
  }

  ApiReply requestWithRetries(String subject, byte[] body) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      try {
        Delivery reply = client.request(subject, Map.of(), body, REQUEST_TIMEOUT).get();
        ApiReply decoded = ApiCodec.decodeReply(reply.body());
        if (decoded.error() == null || !Set.of("BUSY", "UNAVAILABLE").contains(decoded.error().code().name())) {
          return decoded;
        }
      } catch (ExecutionException | DecodeException e) {
        // no responder yet, timeout or unreadable: try again until the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause(100);
    }
    throw new AssertionError("no answer on " + subject + " within 30 s");
  }

  /** Waits until no transfer is unfinished and no decision unconfirmed, at most {@code timeout}. */
  void awaitQuiet(Duration timeout) {
    await(timeout, "the system to be quiet", () -> unfinished() == 0 && unconfirmed() == 0);
  }

  static void await(Duration timeout, String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      pause(50);
    }
  }

  long unfinished() {
    long total = 0;
    for (TestDatabase database : producers.values()) {
      total += count(database, "SELECT count(*) FROM transfers WHERE status IN ('PENDING', 'ACKED')");
    }
    return total;
  }

  long unconfirmed() {
    long total = 0;
    for (TestDatabase database : consumers.values()) {
      total += count(database, "SELECT count(*) FROM postings WHERE NOT confirmed");
    }
    return total;
  }

  static long count(TestDatabase database, String sql) {
    return query(database, sql, resultSet -> resultSet.getLong(1)).getFirst();
  }

  interface RowReader<T> {
    T read(ResultSet resultSet) throws SQLException;
  }

  static <T> List<T> query(TestDatabase database, String sql, RowReader<T> reader) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet resultSet = statement.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (resultSet.next()) {
        rows.add(reader.read(resultSet));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (running) {
      toClose = new ArrayList<>(running);
      running.clear();
    }
    for (AutoCloseable service : toClose.reversed()) {
      try {
        service.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    client.close();
    nats.close();
    producers.values().forEach(TestDatabase::close);
    consumers.values().forEach(TestDatabase::close);
  }
}

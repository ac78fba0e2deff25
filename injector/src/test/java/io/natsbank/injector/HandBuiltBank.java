package io.natsbank.injector;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.store.pg.Database;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Participant databases and an injector database built row by row, for auditing: consistent
 * transfers by default, and the raw pieces to plant any inconsistency. Closing drops them all.
 */
final class HandBuiltBank implements AutoCloseable {
  static final int ACCOUNTS = 10;
  static final Money OPENING = Money.parsePositive("1000.00", Currency.EUR);

  final Map<String, TestDatabase> producers = new LinkedHashMap<>();
  final Map<String, TestDatabase> consumers = new LinkedHashMap<>();
  final TestDatabase injector;
  private final UuidV7 ids = UuidV7.create();

  HandBuiltBank(List<String> producerNames, List<String> consumerNames) throws SQLException {
    TestDatabase injectorDatabase = null;
    try {
      for (String name : producerNames) {
        TestDatabase database = TestDatabases.create(Database.Role.PRODUCER);
        producers.put(name, database);
        Setup.seedAccounts(database.dataSource(), name, ACCOUNTS, OPENING, false);
      }
      for (String name : consumerNames) {
        TestDatabase database = TestDatabases.create(Database.Role.CONSUMER);
        consumers.put(name, database);
        Setup.seedAccounts(database.dataSource(), name, ACCOUNTS, Money.zero(Currency.EUR), true);
      }
      injectorDatabase = TestDatabases.createEmpty();
      Setup.migrateInjector(injectorDatabase.dataSource());
    } catch (RuntimeException | SQLException e) {
      close();
      throw e;
    }
    this.injector = injectorDatabase;
  }

  /** Empties every table and seeds the accounts afresh: a clean slate without the cost of new databases. */
  void reset() throws SQLException {
    for (Map.Entry<String, TestDatabase> producer : producers.entrySet()) {
      Jdbc.execute(producer.getValue().dataSource(), "TRUNCATE entries, transfers, accounts");
      Setup.seedAccounts(producer.getValue().dataSource(), producer.getKey(), ACCOUNTS, OPENING, false);
    }
    for (Map.Entry<String, TestDatabase> consumer : consumers.entrySet()) {
      Jdbc.execute(consumer.getValue().dataSource(), "TRUNCATE entries, postings, accounts");
      Setup.seedAccounts(consumer.getValue().dataSource(), consumer.getKey(), ACCOUNTS, Money.zero(Currency.EUR), true);
    }
    Jdbc.execute(injector.dataSource(), "TRUNCATE submitted, replies, runs");
  }

  Auditor auditor(int fetchSize) {
    Map<String, DataSource> producerSources = new LinkedHashMap<>();
    producers.forEach((name, database) -> producerSources.put(name, database.dataSource()));
    Map<String, DataSource> consumerSources = new LinkedHashMap<>();
    consumers.forEach((name, database) -> consumerSources.put(name, database.dataSource()));
    return new Auditor(producerSources, consumerSources, injector.dataSource(), new Auditor.Settings(fetchSize, 20, 60));
  }

  UUID newId() {
    return ids.next();
  }

  // ---- whole transfers, consistent in every database ----

  /** Accepted, credited, confirmed. */
  UUID ok(String producer, String consumer, int payer, int payee, String amount) {
    UUID id = newId();
    submission(id, producer, consumer, payer, payee, amount, true);
    transfer(id, producer, consumer, payer, payee, amount, "OK", null, true);
    entry(producerDb(producer), id, "DEBIT", account(producer, payer), amount);
    posting(id, producer, consumer, payer, payee, amount, "OK", null, true);
    entry(consumerDb(consumer), id, "CREDIT", account(consumer, payee), amount);
    return id;
  }

  /** Sent, rejected by the consumer, refunded, confirmed. */
  UUID rejected(String producer, String consumer, int payer, int payee, String amount, String cause) {
    UUID id = newId();
    submission(id, producer, consumer, payer, payee, amount, true);
    transfer(id, producer, consumer, payer, payee, amount, "REJECTED", cause, true);
    entry(producerDb(producer), id, "DEBIT", account(producer, payer), amount);
    entry(producerDb(producer), id, "REFUND", account(producer, payer), amount);
    posting(id, producer, consumer, payer, payee, amount, "REJECTED", cause, true);
    return id;
  }

  /** Rejected by the producer at once (insufficient funds): never sent, nothing moved. */
  UUID rejectedAtOnce(String producer, String consumer, int payer, int payee, String amount) {
    UUID id = newId();
    submission(id, producer, consumer, payer, payee, amount, true);
    transfer(id, producer, consumer, payer, payee, amount, "REJECTED", "INSUFFICIENT_FUNDS", false);
    return id;
  }

  /** Refused by the producer's API: recorded by the injector only. */
  UUID refused(String producer, String consumer, int payer, int payee, String amount) {
    UUID id = newId();
    submission(id, producer, consumer, payer, payee, amount, false);
    Jdbc.execute(injector.dataSource(), "INSERT INTO replies (id, acknowledged, result, refused_code, attempts)"
        + " VALUES (?, false, 'REFUSED', 'UNKNOWN_ACCOUNT', 1)", id);
    return id;
  }

  /** Accepted and debited; no answer from the consumer yet. */
  UUID pending(String producer, String consumer, int payer, int payee, String amount) {
    UUID id = newId();
    submission(id, producer, consumer, payer, payee, amount, true);
    transfer(id, producer, consumer, payer, payee, amount, "PENDING", null, true);
    entry(producerDb(producer), id, "DEBIT", account(producer, payer), amount);
    return id;
  }

  // ---- the raw pieces ----

  void submission(UUID id, String producer, String consumer, int payer, int payee, String amount,
      boolean acknowledged) {
    Jdbc.execute(injector.dataSource(), """
        INSERT INTO submitted (id, producer, consumer, payer, payee, amount, currency, intent)
        VALUES (?, ?, ?, ?, ?, ?, 'EUR', 'normal')""",
        id, producer, consumer, account(producer, payer), account(consumer, payee), new BigDecimal(amount));
    if (acknowledged) {
      Jdbc.execute(injector.dataSource(),
          "INSERT INTO replies (id, acknowledged, result, attempts) VALUES (?, true, 'ACCEPTED', 1)", id);
    }
  }

  void transfer(UUID id, String producer, String consumer, int payer, int payee, String amount, String status,
      String cause, boolean sent) {
    Jdbc.execute(producerDb(producer), """
        INSERT INTO transfers (id, producer, consumer, payer, payee, amount, currency, status, cause, sent, attempts,
          next_attempt_at, created_at, finished_at)
        VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?, now(), now(), CASE WHEN ? THEN now() END)""",
        id, producer, consumer, account(producer, payer), account(consumer, payee), new BigDecimal(amount), status,
        cause, sent, sent ? 1 : 0, status.equals("OK") || status.equals("REJECTED"));
  }

  void posting(UUID id, String producer, String consumer, int payer, int payee, String amount, String decision,
      String cause, boolean confirmed) {
    Jdbc.execute(consumerDb(consumer), """
        INSERT INTO postings (id, producer, consumer, payer, payee, amount, currency, decision, cause, confirmed,
          responses, next_resend_at, decided_at, confirmed_at)
        VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, 1, now(), now(), CASE WHEN ? THEN now() END)""",
        id, producer, consumer, account(producer, payer), account(consumer, payee), new BigDecimal(amount), decision,
        cause, confirmed, confirmed);
  }

  /** Records an entry and moves the account's balance by it, as the services do in one transaction. */
  static void entry(DataSource database, UUID id, String kind, String account, String amount) {
    BigDecimal value = new BigDecimal(amount);
    Jdbc.execute(database, "INSERT INTO entries (transfer_id, kind, account, amount) VALUES (?, ?, ?, ?)", id, kind,
        account, value);
    Jdbc.execute(database, "UPDATE accounts SET balance = balance + ? WHERE id = ?",
        kind.equals("DEBIT") ? value.negate() : value, account);
  }

  DataSource producerDb(String name) {
    return producers.get(name).dataSource();
  }

  DataSource consumerDb(String name) {
    return consumers.get(name).dataSource();
  }

  static String account(String participant, int index) {
    return TransferPlanner.accountId(participant, index);
  }

  @Override
  public void close() {
    producers.values().forEach(TestDatabase::close);
    consumers.values().forEach(TestDatabase::close);
    if (injector != null) {
      injector.close();
    }
  }
}

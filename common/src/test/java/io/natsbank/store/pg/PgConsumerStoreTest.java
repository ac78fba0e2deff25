package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.RejectCause;
import io.natsbank.store.ConsumerStoreContract;
import io.natsbank.testing.Await;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consumer contract on PostgreSQL, and what only a shared database can show: locks and triggers. */
class PgConsumerStoreTest extends ConsumerStoreContract {
  static final Duration WAIT = Duration.ofSeconds(30);

  private static TestDatabase database;
  private final ExecutorService threads = Executors.newFixedThreadPool(1);

  @BeforeAll
  static void createDatabase() {
    database = TestDatabases.create(Database.Role.CONSUMER);
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Override
  protected ConsumerStore newStore(List<Account> accounts) {
    Jdbc.execute(database.dataSource(), "TRUNCATE entries, postings, accounts");
    Accounts.insertIfAbsent(database.dataSource(), accounts, database.statementTimeoutMillis());
    return new PgConsumerStore(database.dataSource(), database.statementTimeoutMillis());
  }

  @Test
  void twoConcurrentClaimsNeverReturnTheSamePosting() {
    List<ConsumerPosting> due = new ArrayList<>();
    for (int index = 0; index < 12; index++) {
      due.add(okUnconfirmed(UUID.randomUUID(), T0 + index));
    }
    insert(due.toArray(ConsumerPosting[]::new));
    CountDownLatch firstHoldsItsClaim = new CountDownLatch(1);
    CountDownLatch secondHasClaimed = new CountDownLatch(1);

    Future<List<ConsumerPosting>> first = threads.submit(() -> store.inTransaction(tx -> {
      List<ConsumerPosting> claimed = tx.claimDue(T0 + 100, 5);
      firstHoldsItsClaim.countDown();
      Await.latch(secondHasClaimed, WAIT);
      return claimed;
    }));
    Await.latch(firstHoldsItsClaim, WAIT);
    List<ConsumerPosting> second = store.inTransaction(tx -> tx.claimDue(T0 + 100, 100));
    secondHasClaimed.countDown();

    assertEquals(due.subList(0, 5), Await.result(first, WAIT));
    assertEquals(due.subList(5, 12), second);
  }

  @Test
  void theDatabaseRefusesToChangeADecision() {
    ConsumerPosting ok = okUnconfirmed(UUID.randomUUID(), T0);
    insert(ok);
    ConsumerPosting rejected = new ConsumerPosting(ok.id(), ok.terms(), Outcome.REJECTED, RejectCause.OVER_LIMIT,
        "changed my mind", false, ok.responses(), ok.nextResendAtMillis(), ok.decidedAtMillis(), 0);

    StoreException failure = assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.update(List.of(rejected));
      return null;
    }));

    assertTrue(failure.getMessage().contains("refusing to change it to REJECTED"), failure.getMessage());
    assertEquals(Optional.of(ok), store.find(ok.id()));
  }

  @Test
  void theDatabaseRefusesToTakeBackAConfirmation() {
    ConsumerPosting done = rejectedConfirmed(UUID.randomUUID(), T0);
    insert(done);
    ConsumerPosting unconfirmed = new ConsumerPosting(done.id(), done.terms(), done.decision(), done.cause(),
        done.reason(), false, done.responses(), done.nextResendAtMillis(), done.decidedAtMillis(), 0);

    StoreException failure = assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.update(List.of(unconfirmed));
      return null;
    }));

    assertTrue(failure.getMessage().contains("refusing to unconfirm"), failure.getMessage());
    assertEquals(Optional.of(done), store.find(done.id()));
  }

  /** No foreign key: the balance update's row count catches the unknown account, and nothing is kept. */
  @Test
  void aCreditOnAnUnknownAccountFails() {
    InvariantViolation failure = assertThrows(InvariantViolation.class, () -> store.inTransaction(tx -> {
      tx.applyEntries(List.of(credit("nobody", "1.00")));
      return null;
    }));

    assertTrue(failure.getMessage().contains("update of the account balances"), failure.getMessage());
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM entries"));
  }

  /** A posting this transaction has locked is confirmed by its location, one it has not by its key. */
  @Test
  void aLockedPostingIsUpdatedByItsLocationAndOneNotLockedByItsKey() {
    ConsumerPosting locked = okUnconfirmed(UUID.randomUUID(), T0);
    ConsumerPosting notLocked = okUnconfirmed(UUID.randomUUID(), T0);
    insert(locked, notLocked);

    long[] indexScans = store.inTransaction(tx -> {
      tx.findForUpdate(List.of(locked.id()));
      return TransactionStats.indexScansOfEach((PgTx) tx, "postings",
          () -> tx.update(List.of(confirmed(locked, T0 + 100))),
          () -> tx.update(List.of(confirmed(notLocked, T0 + 100))));
    });

    assertEquals(0, indexScans[0], "index scans of the update by location");
    assertTrue(indexScans[1] >= 1, "index scans of the update by key: " + indexScans[1]);
    assertEquals(Optional.of(confirmed(locked, T0 + 100)), store.find(locked.id()));
    assertEquals(Optional.of(confirmed(notLocked, T0 + 100)), store.find(notLocked.id()));
  }

  /**
   * Inserted pages keep room for each row's one update (fillfactor 45): a batch of confirms is
   * written beside the postings it replaces, not on other pages (which cost a WAL record for locking
   * the old version and a whole new one for the new). A table filled to the brim moves nearly every row.
   */
  @Test
  void aBatchOfConfirmsStaysOnThePagesItsPostingsWereInsertedOn() {
    List<ConsumerPosting> batch = new ArrayList<>();
    for (int index = 0; index < 300; index++) {
      batch.add(okUnconfirmed(UUID.randomUUID(), T0 + index));
    }
    insert(batch.toArray(ConsumerPosting[]::new));
    List<Long> before = RowPages.byId(database.dataSource(), "postings");

    store.inTransaction(tx -> {
      tx.findForUpdate(batch.stream().map(ConsumerPosting::id).toList());
      tx.update(batch.stream().map(posting -> confirmed(posting, T0 + 500)).toList());
      return null;
    });

    assertTrue(RowPages.count(database.dataSource(), "postings") > 2, "the batch spans several pages");
    assertEquals(before, RowPages.byId(database.dataSource(), "postings"),
        "the page of each posting, before and after its confirm");
    assertEquals(Optional.of(confirmed(batch.get(7), T0 + 500)), store.find(batch.get(7).id()));
  }

  @Test
  void claimDueUsesThePartialIndexOnUnconfirmedPostings() {
    Jdbc.execute(database.dataSource(), "INSERT INTO postings (" + PostingRows.COLUMNS + ")"
        + " SELECT gen_random_uuid(), 'bank-a', 'bank-b', 'payer-1', 'dave', 1.00, 'EUR', 'OK', NULL, NULL, true,"
        + " 1, now(), now(), now() FROM generate_series(1, 20000)");
    insert(okUnconfirmed(UUID.randomUUID(), T0));
    Jdbc.execute(database.dataSource(), "ANALYZE postings");

    String plan = String.join("\n", Jdbc.column(database.dataSource(),
        "EXPLAIN " + PgConsumerStore.CLAIM_DUE_SQL, OffsetDateTime.now(), 100).stream()
        .map(Object::toString).toList());

    assertTrue(plan.contains("postings_due"), plan);
  }

  @Test
  void findAccountsDoesNotLockTheAccounts() {
    CountDownLatch firstHasRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> reader = threads.submit(() -> store.inTransaction(tx -> {
      tx.findAccounts(List.of("dave"));
      firstHasRead.countDown();
      Await.latch(release, WAIT);
      return null;
    }));
    Await.latch(firstHasRead, WAIT);

    try {
      store.inTransaction(tx -> {
        tx.applyEntries(List.of(credit("dave", "2.00")));
        return null;
      });
    } finally {
      release.countDown();
    }

    Await.result(reader, WAIT);
    assertEquals(new BigDecimal("2.00"), balance("dave"));
  }
}

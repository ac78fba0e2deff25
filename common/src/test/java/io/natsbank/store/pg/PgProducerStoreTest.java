package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.ProducerStore;
import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Invariants.InvariantViolation;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.store.ProducerStoreContract;
import io.natsbank.testing.Await;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The producer contract on PostgreSQL, and what only a shared database can show: locks, retries, triggers. */
class PgProducerStoreTest extends ProducerStoreContract {
  static final Duration WAIT = Duration.ofSeconds(30);

  private static TestDatabase database;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void createDatabase() {
    database = TestDatabases.create(Database.Role.PRODUCER);
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
  protected ProducerStore newStore(List<Account> accounts) {
    Jdbc.execute(database.dataSource(), "TRUNCATE entries, transfers, accounts");
    Accounts.insertIfAbsent(database.dataSource(), accounts, database.statementTimeoutMillis());
    return new PgProducerStore(database.dataSource(), database.statementTimeoutMillis());
  }

  @Test
  void twoConcurrentClaimsNeverReturnTheSameTransfer() {
    List<ProducerTransfer> due = new ArrayList<>();
    for (int index = 0; index < 15; index++) {
      due.add(pending(UUID.randomUUID(), T0 + index));
    }
    insert(due.toArray(ProducerTransfer[]::new));
    CountDownLatch firstHoldsItsClaim = new CountDownLatch(1);
    CountDownLatch secondHasClaimed = new CountDownLatch(1);

    Future<List<ProducerTransfer>> first = threads.submit(() -> store.inTransaction(tx -> {
      List<ProducerTransfer> claimed = tx.claimDue(T0 + 100, 10);
      firstHoldsItsClaim.countDown();
      Await.latch(secondHasClaimed, WAIT);
      return claimed;
    }));
    Await.latch(firstHoldsItsClaim, WAIT);
    List<ProducerTransfer> second = store.inTransaction(tx -> tx.claimDue(T0 + 100, 10));
    secondHasClaimed.countDown();

    assertEquals(due.subList(0, 10), Await.result(first, WAIT));
    assertEquals(due.subList(10, 15), second);
  }

  @Test
  void aDeadlockIsRetriedAndBothTransactionsCommit() {
    CountDownLatch bothHoldTheirFirstLock = new CountDownLatch(2);
    AtomicInteger runs = new AtomicInteger();
    Future<Void> aliceThenBob = threads.submit(() -> lockBoth("alice", "bob", bothHoldTheirFirstLock, runs));
    Future<Void> bobThenAlice = threads.submit(() -> lockBoth("bob", "alice", bothHoldTheirFirstLock, runs));

    Await.result(aliceThenBob, WAIT);
    Await.result(bobThenAlice, WAIT);

    // At least one deadlock victim ran again; a victim that retries before the winner has taken the
    // lock it freed can deadlock once more, so "exactly three runs" would be a timing assumption.
    assertTrue(runs.get() >= 3, "runs: " + runs.get());
    assertEquals(new BigDecimal("998.00"), balance("alice"));
  }

  private Void lockBoth(String first, String second, CountDownLatch bothHoldTheirFirstLock, AtomicInteger runs) {
    return store.inTransaction(tx -> {
      runs.incrementAndGet();
      tx.lockAccounts(List.of(first));
      bothHoldTheirFirstLock.countDown();
      Await.latch(bothHoldTheirFirstLock, WAIT);
      tx.lockAccounts(List.of(second));
      tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "1.00")));
      return null;
    });
  }

  @Test
  void aStatementBlockedLongerThanTheStatementTimeoutIsCancelledAndTheTransactionFails() throws SQLException {
    PgProducerStore impatient = new PgProducerStore(database.dataSource(), 300);
    try (java.sql.Connection holder = database.openPool("lock-holder").getConnection()) {
      holder.createStatement().execute("SELECT 1 FROM accounts WHERE id = 'alice' FOR UPDATE");

      // without a timeout the store would wait for the lock as long as the holder keeps it: forever
      StoreException failure = assertTimeoutPreemptively(WAIT, () -> assertThrows(StoreException.class,
          () -> impatient.inTransaction(tx -> tx.lockAccounts(List.of("alice")))));

      assertInstanceOf(SQLException.class, failure.getCause());
      assertEquals("57014", ((SQLException) failure.getCause()).getSQLState(), failure.getMessage()); // query_canceled
      holder.rollback();
    }
    assertEquals(ALICE.balance(), balance("alice"));
  }

  /**
   * A batch that refunds (outcomes applied) and a batch that debits (submits) touch the same accounts
   * in different orders: the refunds' entries name their accounts (a foreign key, when there was one,
   * took a key share lock on each, in entry order) and the submits lock their payers. Neither may wait on the
   * other in a cycle: a deadlock costs PostgreSQL's deadlock_timeout (1 s) of stall before a retry,
   * which showed in the benchmark as one-second gaps.
   */
  @Test
  void refundsAndSubmitsOnTheSameAccountsNeverDeadlock() throws Exception {
    AtomicInteger submitRuns = new AtomicInteger();
    AtomicInteger refundRuns = new AtomicInteger();
    CountDownLatch submitHoldsAlice = new CountDownLatch(1);
    CountDownLatch refundsStarted = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Void> submits = threads.submit(() -> store.inTransaction(tx -> {
        submitRuns.incrementAndGet();
        tx.lockAccounts(List.of("alice"));
        submitHoldsAlice.countDown();
        Await.latch(refundsStarted, WAIT);
        awaitABackendWaitingForALock();
        tx.lockAccounts(List.of("bob"));
        tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "1.00"), entry("bob", Entry.Kind.DEBIT, "1")));
        return null;
      }));
      Future<Void> refunds = threads.submit(() -> {
        Await.latch(submitHoldsAlice, WAIT);
        return store.inTransaction(tx -> {
          refundRuns.incrementAndGet();
          refundsStarted.countDown();
          tx.applyEntries(List.of(entry("bob", Entry.Kind.REFUND, "2"), entry("alice", Entry.Kind.REFUND, "3.00")));
          return null;
        });
      });
      Await.result(submits, WAIT);
      Await.result(refunds, WAIT);
    } finally {
      threads.shutdownNow();
    }
    assertEquals(1, submitRuns.get(), "the submit batch was a deadlock victim and ran again");
    assertEquals(1, refundRuns.get(), "the refund batch was a deadlock victim and ran again");
    assertEquals(0, ALICE.balance().add(new BigDecimal("2.00")).compareTo(balance("alice")), "alice's balance");
    assertEquals(0, BOB.balance().add(BigDecimal.ONE).compareTo(balance("bob")), "bob's balance");
  }

  /** Until another session of this database waits for a lock (bounded). */
  private static void awaitABackendWaitingForALock() {
    Await.until("a transaction waiting for a lock", WAIT, () -> Jdbc.count(database.dataSource(),
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
  }

  @Test
  void aSerializationFailureIsRetriedAndNothingOfTheFailedAttemptStays() {
    ProducerTransfer transfer = pending(UUID.randomUUID(), T0);
    AtomicInteger runs = new AtomicInteger();

    store.inTransaction(tx -> {
      tx.insert(List.of(transfer));
      tx.applyEntries(List.of(new Entry(transfer.id(), "alice", Entry.Kind.DEBIT, new BigDecimal("12.34"))));
      if (runs.incrementAndGet() == 1) {
        raise((PgTx) tx, "serialization_failure");
      }
      return null;
    });

    assertEquals(2, runs.get());
    assertEquals(Optional.of(transfer), store.find(transfer.id()));
    assertEquals(new BigDecimal("987.66"), balance("alice"));
  }

  @Test
  void aTransactionThatKeepsFailingGivesUpAfterTheAttemptLimit() {
    AtomicInteger runs = new AtomicInteger();

    StoreException failure = assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      runs.incrementAndGet();
      raise((PgTx) tx, "deadlock_detected");
      return null;
    }));

    assertEquals(PgTransactions.TRANSACTION_ATTEMPTS_MAX, runs.get());
    assertEquals("40P01", assertInstanceOf(SQLException.class, failure.getCause()).getSQLState());
    assertTrue(failure.getMessage().contains("5 times"), failure.getMessage());
  }

  @Test
  void otherDatabaseFailuresAreNotRetried() {
    AtomicInteger runs = new AtomicInteger();

    StoreException failure = assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      runs.incrementAndGet();
      raise((PgTx) tx, "division_by_zero");
      return null;
    }));

    assertEquals(1, runs.get());
    assertEquals("22012", assertInstanceOf(SQLException.class, failure.getCause()).getSQLState());
  }

  @Test
  void workThatSwallowsADatabaseFailureStillCannotCommit() {
    ProducerTransfer transfer = pending(UUID.randomUUID(), T0);

    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(transfer));
      try {
        raise((PgTx) tx, "division_by_zero");
      } catch (RuntimeException swallowed) {
        // a careless caller carries on
      }
      return null;
    }));

    assertEquals(Optional.empty(), store.find(transfer.id()));
  }

  private static void raise(PgTx tx, String condition) {
    Jdbc.execute(database.dataSource(), "CREATE OR REPLACE FUNCTION raise_condition(condition text) RETURNS void"
        + " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = condition; END $$");
    tx.queue().query("raising " + condition, "SELECT raise_condition(?)", parameters -> parameters.text(condition),
        rows -> { });
    tx.send();
  }

  @Test
  void theDatabaseRefusesToChangeAFinalStatus() {
    ProducerTransfer ok = okWithReason(UUID.randomUUID(), T0);
    insert(ok);
    ProducerTransfer rejected = new ProducerTransfer(ok.id(), ok.terms(), TransferStatus.REJECTED,
        RejectCause.OVER_LIMIT, "changed my mind", true, ok.attempts(), ok.nextAttemptAtMillis(), ok.createdAtMillis(),
        ok.finishedAtMillis());

    StoreException failure = assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.update(List.of(rejected));
      return null;
    }));
    assertTrue(failure.getMessage().contains("is final as OK"), failure.getMessage());
    IllegalStateException direct = assertThrows(IllegalStateException.class, () -> Jdbc.execute(
        database.dataSource(), "UPDATE transfers SET status = 'PENDING', finished_at = NULL WHERE id = ?", ok.id()));
    assertTrue(direct.getMessage().contains("refusing"), direct.getMessage());

    assertEquals(Optional.of(ok), store.find(ok.id()));
  }

  @Test
  void theDatabaseRefusesANegativeBalance() {
    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "1000.01")));
      return null;
    }));

    assertEquals(new BigDecimal("1000.00"), balance("alice"));
  }

  /** No foreign key: the balance update's row count catches the unknown account, and nothing is kept. */
  @Test
  void anEntryOnAnUnknownAccountFails() {
    InvariantViolation failure = assertThrows(InvariantViolation.class, () -> store.inTransaction(tx -> {
      tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "1.00"), entry("nobody", Entry.Kind.REFUND, "1.00")));
      return null;
    }));

    assertTrue(failure.getMessage().contains("update of the account balances"), failure.getMessage());
    assertEquals(0L, Jdbc.count(database.dataSource(), "SELECT count(*) FROM entries"));
    assertEquals(ALICE.balance(), balance("alice"));
  }

  /** A transfer this transaction has locked is written by its location: that update descends no index. */
  @Test
  void aLockedTransferIsUpdatedByItsLocationAndOneNotLockedByItsKey() {
    ProducerTransfer locked = pending(UUID.randomUUID(), T0);
    ProducerTransfer notLocked = pending(UUID.randomUUID(), T0);
    insert(locked, notLocked);

    long[] indexScans = store.inTransaction(tx -> {
      tx.findForUpdate(List.of(locked.id()));
      return TransactionStats.indexScansOfEach((PgTx) tx, "transfers",
          () -> tx.update(List.of(ackedLater(locked))), () -> tx.update(List.of(ackedLater(notLocked))));
    });

    assertEquals(0, indexScans[0], "index scans of the update by location");
    assertTrue(indexScans[1] >= 1, "index scans of the update by key: " + indexScans[1]);
    assertEquals(Optional.of(ackedLater(locked)), store.find(locked.id()));
    assertEquals(Optional.of(ackedLater(notLocked)), store.find(notLocked.id()));
  }

  /**
   * Inserted pages keep room for each row's one update (fillfactor 45): a batch's outcomes are written
   * beside the rows they replace, not on other pages (which cost a WAL record for locking the old
   * version and a whole new one for the new). A table filled to the brim moves nearly every row.
   */
  @Test
  void aBatchOfOutcomesStaysOnThePagesItsTransfersWereInsertedOn() {
    List<ProducerTransfer> batch = new ArrayList<>();
    for (int index = 0; index < 300; index++) {
      batch.add(pending(UUID.randomUUID(), T0 + index));
    }
    insert(batch.toArray(ProducerTransfer[]::new));
    List<Long> before = RowPages.byId(database.dataSource(), "transfers");

    store.inTransaction(tx -> {
      tx.findForUpdate(batch.stream().map(ProducerTransfer::id).toList());
      tx.update(batch.stream().map(PgProducerStoreTest::okLater).toList());
      return null;
    });

    assertTrue(RowPages.count(database.dataSource(), "transfers") > 2, "the batch spans several pages");
    assertEquals(before, RowPages.byId(database.dataSource(), "transfers"),
        "the page of each transfer, before and after its outcome");
    assertEquals(Optional.of(okLater(batch.get(7))), store.find(batch.get(7).id()));
  }

  /** A claimed transfer is located too, and a second update in the same transaction goes by key. */
  @Test
  void aClaimedTransferIsUpdatedByItsLocationOnceAndThenByItsKey() {
    ProducerTransfer due = pending(UUID.randomUUID(), T0);
    insert(due);

    long[] indexScans = store.inTransaction(tx -> {
      assertEquals(List.of(due), tx.claimDue(T0, 10));
      return TransactionStats.indexScansOfEach((PgTx) tx, "transfers",
          () -> tx.update(List.of(ackedLater(due))), () -> tx.update(List.of(okLater(due))));
    });

    assertEquals(0, indexScans[0], "index scans of the first update, by location");
    assertTrue(indexScans[1] >= 1, "index scans of the second update, by key: " + indexScans[1]);
    assertEquals(Optional.of(okLater(due)), store.find(due.id()));
  }

  /**
   * Should a location ever go stale (the row written since it was read: not something the store
   * does), the update writes nothing, its row count says so, and the transaction rolls back.
   */
  @Test
  void anUpdateByALocationThatWentStaleWritesNothingAndFails() {
    ProducerTransfer stored = pending(UUID.randomUUID(), T0);
    insert(stored);

    InvariantViolation failure = assertThrows(InvariantViolation.class, () -> store.inTransaction(tx -> {
      tx.findForUpdate(List.of(stored.id()));
      try (java.sql.Statement statement = ((PgTx) tx).connection().createStatement()) {
        statement.execute("UPDATE transfers SET attempts = attempts WHERE id = '" + stored.id() + "'");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      tx.update(List.of(ackedLater(stored)));
      return null;
    }));

    assertTrue(failure.getMessage().contains("update of transfers"), failure.getMessage());
    assertEquals(Optional.of(stored), store.find(stored.id()));
  }

  private static ProducerTransfer ackedLater(ProducerTransfer transfer) {
    return new ProducerTransfer(transfer.id(), transfer.terms(), TransferStatus.ACKED, null, null, true,
        transfer.attempts() + 1, transfer.nextAttemptAtMillis() + 1_000, transfer.createdAtMillis(), 0);
  }

  private static ProducerTransfer okLater(ProducerTransfer transfer) {
    return new ProducerTransfer(transfer.id(), transfer.terms(), TransferStatus.OK, null, null, true,
        transfer.attempts() + 1, transfer.nextAttemptAtMillis() + 1_000, transfer.createdAtMillis(),
        transfer.createdAtMillis() + 5_000);
  }

  @Test
  void claimDueUsesThePartialIndexOnUnfinishedTransfers() {
    Jdbc.execute(database.dataSource(), "INSERT INTO transfers (" + TransferRows.COLUMNS + ")"
        + " SELECT gen_random_uuid(), 'bank-a', 'bank-b', 'alice', 'payee-1', 1.00, 'EUR', 'OK', NULL, NULL, true,"
        + " 1, now(), now(), now() FROM generate_series(1, 20000)");
    insert(pending(UUID.randomUUID(), T0));
    Jdbc.execute(database.dataSource(), "ANALYZE transfers");

    String plan = String.join("\n", Jdbc.column(database.dataSource(),
        "EXPLAIN " + PgProducerStore.CLAIM_DUE_SQL, java.time.OffsetDateTime.now(), 100).stream()
        .map(Object::toString).toList());

    assertTrue(plan.contains("transfers_due"), plan);
  }

  @Test
  void lockTransferIdsMakesASecondTransactionWaitUntilTheFirstCommits() {
    UUID id = UUID.randomUUID();
    CountDownLatch firstHoldsTheLock = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> first = threads.submit(() -> store.inTransaction(tx -> {
      tx.lockTransferIds(List.of(id));
      firstHoldsTheLock.countDown();
      Await.latch(release, WAIT);
      tx.insert(List.of(pending(id, T0)));
      return null;
    }));
    Await.latch(firstHoldsTheLock, WAIT);
    Future<Optional<ProducerTransfer>> second = threads.submit(() -> store.inTransaction(tx -> {
      tx.lockTransferIds(List.of(UUID.randomUUID(), id));
      return Optional.ofNullable(tx.findForUpdate(List.of(id)).get(id));
    }));

    Await.until("the second transaction waits for the advisory lock", WAIT, () -> waitingAdvisoryLocks() == 1);
    assertFalse(second.isDone());
    release.countDown();

    Await.result(first, WAIT);
    assertTrue(Await.result(second, WAIT).isPresent(), "the second saw what the first committed");
  }

  private static long waitingAdvisoryLocks() {
    return Jdbc.count(database.dataSource(), "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  }

  @Test
  void aStatementThatWaitsLongerThanTheTimeoutIsCancelled() {
    UUID id = UUID.randomUUID();
    ProducerStore impatient = new PgProducerStore(database.dataSource(), 1);
    CountDownLatch firstHoldsTheLock = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> first = threads.submit(() -> store.inTransaction(tx -> {
      tx.lockTransferIds(List.of(id));
      firstHoldsTheLock.countDown();
      Await.latch(release, WAIT);
      return null;
    }));
    Await.latch(firstHoldsTheLock, WAIT);

    try {
      StoreException failure = assertThrows(StoreException.class, () -> impatient.inTransaction(tx -> {
        tx.lockTransferIds(List.of(id));
        return null;
      }));
      assertEquals("57014", assertInstanceOf(SQLException.class, failure.getCause()).getSQLState());
    } finally {
      release.countDown();
    }
    Await.result(first, WAIT);
  }

  @Test
  void findDoesNotWaitForALockedTransfer() {
    ProducerTransfer transfer = pending(UUID.randomUUID(), T0);
    insert(transfer);

    Optional<ProducerTransfer> seen = store.inTransaction(tx -> {
      tx.findForUpdate(List.of(transfer.id()));
      return store.find(transfer.id());
    });

    assertEquals(Optional.of(transfer), seen);
  }

  @Test
  void everyClaimedRowIsClaimedOnceAcrossManyConcurrentClaims() {
    List<ProducerTransfer> due = new ArrayList<>();
    for (int index = 0; index < 200; index++) {
      due.add(pending(UUID.randomUUID(), T0 + index));
    }
    insert(due.toArray(ProducerTransfer[]::new));
    List<Future<List<UUID>>> claims = new ArrayList<>();
    for (int worker = 0; worker < 2; worker++) {
      claims.add(threads.submit(() -> claimAndPushBack(T0 + 1_000)));
    }

    Set<UUID> seen = new HashSet<>();
    int total = 0;
    for (Future<List<UUID>> claim : claims) {
      List<UUID> ids = Await.result(claim, WAIT);
      total += ids.size();
      seen.addAll(ids);
    }
    assertEquals(200, total);
    assertEquals(200, seen.size());
  }

  /** Claims in small batches and pushes each claimed transfer past {@code nowMillis}, until none is due. */
  private List<UUID> claimAndPushBack(long nowMillis) {
    List<UUID> claimedIds = new ArrayList<>();
    for (int round = 0; round < 1_000; round++) {
      List<ProducerTransfer> claimed = store.inTransaction(tx -> {
        List<ProducerTransfer> batch = tx.claimDue(nowMillis, 7);
        tx.update(batch.stream().map(transfer -> new ProducerTransfer(transfer.id(), transfer.terms(),
            transfer.status(), null, null, true, transfer.attempts() + 1, nowMillis + 1, transfer.createdAtMillis(),
            0)).toList());
        return batch;
      });
      if (claimed.isEmpty()) {
        return claimedIds;
      }
      claimed.forEach(transfer -> claimedIds.add(transfer.id()));
    }
    throw new AssertionError("still claiming after 1000 rounds");
  }

  @Test
  void accountsAreSeededOnceWithTheirOpeningBalance() {
    Account dora = new Account("dora", Currency.EUR, new BigDecimal("10.00"), false, null);
    long timeoutMillis = database.statementTimeoutMillis();

    assertEquals(1, Accounts.insertIfAbsent(database.dataSource(), List.of(dora, ALICE), timeoutMillis));
    assertEquals(0, Accounts.insertIfAbsent(database.dataSource(),
        List.of(dora.withBalance(new BigDecimal("99.00"))), timeoutMillis));

    assertEquals(List.of(ALICE, BOB, CAROL, dora), Accounts.readAll(database.dataSource(), timeoutMillis));
    assertEquals(new BigDecimal("10.00"), Jdbc.value(database.dataSource(),
        "SELECT opening_balance FROM accounts WHERE id = 'dora'"));
  }
}

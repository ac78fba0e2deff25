package io.natsbank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.ProducerStore;
import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Invariants;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ProducerStore} must do, whatever keeps the data. A subclass supplies the store;
 * nothing here knows how it is kept. Failures the store detects itself (a duplicate transfer id or
 * entry) surface as {@link StoreException}; a programmer error (an update of a transfer that does
 * not exist) as {@link Invariants.InvariantViolation}; whatever the work throws passes through
 * unchanged. In every case nothing of the transaction is kept.
 */
public abstract class ProducerStoreContract {
  protected static final String PRODUCER = "bank-a";
  protected static final String CONSUMER = "bank-b";
  protected static final long T0 = 1_760_000_000_000L;

  protected static final Account ALICE = new Account("alice", Currency.EUR, new BigDecimal("1000.00"), false, null);
  protected static final Account BOB =
      new Account("bob", Currency.JPY, new BigDecimal("50000"), false, new BigDecimal("90000"));
  protected static final Account CAROL =
      new Account("carol.closed", Currency.EUR, new BigDecimal("0.00"), true, new BigDecimal("10.50"));
  protected static final List<Account> ACCOUNTS = List.of(ALICE, BOB, CAROL);

  /** A new store holding exactly {@code accounts} and no transfers or entries. */
  protected abstract ProducerStore newStore(List<Account> accounts);

  protected ProducerStore store;

  @BeforeEach
  void createStore() {
    store = newStore(ACCOUNTS);
  }

  // ---- fixtures

  protected static TransferTerms terms(String payer, String amount, Currency currency) {
    return new TransferTerms(PRODUCER, CONSUMER, payer, "payee-1", Money.parsePositive(amount, currency));
  }

  protected static ProducerTransfer pending(UUID id, long nextAttemptAtMillis) {
    return new ProducerTransfer(id, terms("alice", "12.34", Currency.EUR), TransferStatus.PENDING, null, null, true,
        1, nextAttemptAtMillis, T0, 0);
  }

  protected static ProducerTransfer acked(UUID id, long nextAttemptAtMillis) {
    return new ProducerTransfer(id, terms("alice", "0.01", Currency.EUR), TransferStatus.ACKED, null, null, true,
        2, nextAttemptAtMillis, T0, 0);
  }

  protected static ProducerTransfer rejectedAtOnce(UUID id) {
    return new ProducerTransfer(id, terms("carol.closed", "5000.00", Currency.EUR), TransferStatus.REJECTED,
        RejectCause.ACCOUNT_CLOSED, "payer account is closed — geschlossen", false, 0, 0, T0 + 1, T0 + 1);
  }

  protected static ProducerTransfer okWithReason(UUID id, long nextAttemptAtMillis) {
    return new ProducerTransfer(id, terms("bob", "12345", Currency.JPY), TransferStatus.OK, null, "credited", true,
        3, nextAttemptAtMillis, T0 + 2, T0 + 7_000);
  }

  protected static Entry entry(String account, Entry.Kind kind, String amount) {
    return new Entry(UUID.randomUUID(), account, kind, new BigDecimal(amount));
  }

  protected final Map<String, Account> accounts(String... ids) {
    return store.inTransaction(tx -> tx.lockAccounts(List.of(ids)));
  }

  protected final BigDecimal balance(String id) {
    return accounts(id).get(id).balance();
  }

  protected final void insert(ProducerTransfer... transfers) {
    store.inTransaction(tx -> {
      tx.insert(List.of(transfers));
      return null;
    });
  }

  // ---- transfers

  @Test
  void storesAndReadsBackEveryFieldIncludingNulls() {
    List<ProducerTransfer> transfers = List.of(pending(UUID.randomUUID(), T0 + 500),
        acked(UUID.randomUUID(), T0 + 60_000), rejectedAtOnce(UUID.randomUUID()),
        okWithReason(UUID.randomUUID(), T0 + 9_000));
    insert(transfers.toArray(ProducerTransfer[]::new));

    for (ProducerTransfer transfer : transfers) {
      assertEquals(Optional.of(transfer), store.find(transfer.id()), transfer.status().toString());
    }
    Map<UUID, ProducerTransfer> locked =
        store.inTransaction(tx -> tx.findForUpdate(transfers.stream().map(ProducerTransfer::id).toList()));
    assertEquals(4, locked.size());
    transfers.forEach(transfer -> assertEquals(transfer, locked.get(transfer.id())));
  }

  @Test
  void findsNothingForAnUnknownId() {
    assertEquals(Optional.empty(), store.find(UUID.randomUUID()));
  }

  @Test
  void findForUpdateLeavesOutMissingIds() {
    ProducerTransfer stored = pending(UUID.randomUUID(), T0);
    insert(stored);

    Map<UUID, ProducerTransfer> found =
        store.inTransaction(tx -> tx.findForUpdate(List.of(UUID.randomUUID(), stored.id(), UUID.randomUUID())));

    assertEquals(Map.of(stored.id(), stored), found);
    assertEquals(Map.of(), store.inTransaction(tx -> tx.findForUpdate(List.of())));
  }

  @Test
  void updateReplacesTheStateOfAStoredTransfer() {
    UUID id = UUID.randomUUID();
    ProducerTransfer pending = pending(id, T0 + 100);
    insert(pending);
    ProducerTransfer acked = new ProducerTransfer(id, pending.terms(), TransferStatus.ACKED, null, null, true, 2,
        T0 + 60_000, T0, 0);
    ProducerTransfer rejected = new ProducerTransfer(id, pending.terms(), TransferStatus.REJECTED,
        RejectCause.UNKNOWN_ACCOUNT, "payee account 'payee-1' does not exist", true, 2, T0 + 60_000, T0, T0 + 61_000);

    store.inTransaction(tx -> {
      tx.update(List.of(acked));
      return null;
    });
    assertEquals(Optional.of(acked), store.find(id));
    store.inTransaction(tx -> {
      tx.update(List.of(rejected));
      return null;
    });
    assertEquals(Optional.of(rejected), store.find(id));
  }

  @Test
  void updatingATransferThatDoesNotExistIsAProgrammerErrorAndKeepsNothing() {
    ProducerTransfer inserted = pending(UUID.randomUUID(), T0);

    assertThrows(Invariants.InvariantViolation.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(inserted));
      tx.update(List.of(pending(UUID.randomUUID(), T0)));
      return null;
    }));

    assertEquals(Optional.empty(), store.find(inserted.id()));
  }

  @Test
  void insertingAnExistingIdFailsTheWholeTransaction() {
    ProducerTransfer original = pending(UUID.randomUUID(), T0);
    insert(original);
    ProducerTransfer other = pending(UUID.randomUUID(), T0);
    ProducerTransfer sameId = acked(original.id(), T0 + 5);

    assertThrows(StoreException.class, () -> insert(other, sameId));

    assertEquals(Optional.empty(), store.find(other.id()));
    assertEquals(Optional.of(original), store.find(original.id()));
  }

  @Test
  void workThatThrowsRollsBackAndTheExceptionPassesThrough() {
    ProducerTransfer transfer = pending(UUID.randomUUID(), T0);
    IllegalStateException thrown = new IllegalStateException("the work failed");

    IllegalStateException caught = assertThrows(IllegalStateException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(transfer));
      tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "1.00")));
      throw thrown;
    }));

    assertSame(thrown, caught);
    assertEquals(Optional.empty(), store.find(transfer.id()));
    assertEquals(new BigDecimal("1000.00"), balance("alice"));
  }

  @Test
  void returnsWhatTheWorkReturns() {
    assertEquals("done", store.inTransaction(tx -> "done"));
  }

  @Test
  void lockTransferIdsTakesAnyIdsAnyNumberOfTimes() {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    ProducerTransfer transfer = pending(first, T0);

    store.inTransaction(tx -> {
      tx.lockTransferIds(List.of());
      tx.lockTransferIds(List.of(second, first));
      tx.lockTransferIds(List.of(first, first));
      tx.insert(List.of(transfer));
      return null;
    });

    assertEquals(Optional.of(transfer), store.find(first));
  }

  // ---- accounts and entries

  @Test
  void lockAccountsReturnsTheKnownAccountsAsSeeded() {
    Map<String, Account> found = accounts("alice", "bob", "carol.closed", "nobody");

    assertEquals(Map.of("alice", ALICE, "bob", BOB, "carol.closed", CAROL), found);
    assertEquals(Map.of(), store.inTransaction(tx -> tx.lockAccounts(List.of())));
  }

  @Test
  void applyEntriesMovesEachBalanceByTheSumOfItsEntries() {
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(
          entry("alice", Entry.Kind.DEBIT, "100.00"),
          entry("bob", Entry.Kind.DEBIT, "1000"),
          entry("alice", Entry.Kind.DEBIT, "250.50"),
          entry("alice", Entry.Kind.REFUND, "10.00"),
          entry("alice", Entry.Kind.DEBIT, "0.01")));
      return null;
    });

    assertEquals(new BigDecimal("659.49"), balance("alice"));
    assertEquals(new BigDecimal("49000"), balance("bob"));
    assertEquals(CAROL, accounts("carol.closed").get("carol.closed"));
  }

  @Test
  void aDuplicateEntryFailsTheWholeTransactionAndKeepsNothing() {
    Entry debit = entry("alice", Entry.Kind.DEBIT, "100.00");
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(debit));
      return null;
    });
    ProducerTransfer transfer = pending(UUID.randomUUID(), T0);

    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(transfer));
      tx.applyEntries(List.of(entry("alice", Entry.Kind.DEBIT, "5.00"), debit));
      return null;
    }));

    assertEquals(new BigDecimal("900.00"), balance("alice"));
    assertEquals(Optional.empty(), store.find(transfer.id()));
  }

  @Test
  void aDuplicateEntryWithinOneCallFailsTheWholeTransaction() {
    Entry debit = entry("alice", Entry.Kind.DEBIT, "1.00");

    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.applyEntries(List.of(debit, debit));
      return null;
    }));

    assertEquals(new BigDecimal("1000.00"), balance("alice"));
  }

  @Test
  void aDebitAndARefundOfOneTransferAreTwoEntries() {
    UUID id = UUID.randomUUID();
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(new Entry(id, "alice", Entry.Kind.DEBIT, new BigDecimal("30.00"))));
      return null;
    });
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(new Entry(id, "alice", Entry.Kind.REFUND, new BigDecimal("30.00"))));
      return null;
    });

    assertEquals(new BigDecimal("1000.00"), balance("alice"));
  }

  // ---- counting unfinished transfers (admission control)

  @Test
  void unfinishedCountCountsPendingAndAckedTransfersOnly() {
    assertEquals(0, store.unfinishedCount());
    ProducerTransfer pending = pending(UUID.randomUUID(), T0 + 100);
    insert(pending, acked(UUID.randomUUID(), T0 + 60_000), pending(UUID.randomUUID(), T0 + 5),
        rejectedAtOnce(UUID.randomUUID()), okWithReason(UUID.randomUUID(), T0 + 9_000));

    assertEquals(3, store.unfinishedCount());

    store.inTransaction(tx -> {
      tx.update(List.of(new ProducerTransfer(pending.id(), pending.terms(), TransferStatus.OK, null, null, true, 1,
          T0 + 100, T0, T0 + 700)));
      return null;
    });
    assertEquals(2, store.unfinishedCount(), "a transfer that reached its outcome is no longer unfinished");
  }

  @Test
  void unfinishedCountSeesCommittedTransactionsOnly() {
    assertThrows(IllegalStateException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(pending(UUID.randomUUID(), T0), acked(UUID.randomUUID(), T0)));
      assertEquals(0, store.unfinishedCount(), "not committed yet");
      throw new IllegalStateException("rolled back");
    }));

    assertEquals(0, store.unfinishedCount(), "rolled back");
  }

  // ---- re-sends

  @Test
  void claimDueReturnsOnlyDueUnfinishedTransfersOldestFirst() {
    ProducerTransfer dueAcked = acked(UUID.randomUUID(), T0 + 50);
    ProducerTransfer duePending = pending(UUID.randomUUID(), T0 + 100);
    ProducerTransfer dueNow = pending(UUID.randomUUID(), T0 + 500);
    ProducerTransfer notYetDue = pending(UUID.randomUUID(), T0 + 501);
    ProducerTransfer finished = okWithReason(UUID.randomUUID(), T0 + 10);
    ProducerTransfer neverSent = rejectedAtOnce(UUID.randomUUID());
    insert(notYetDue, finished, dueNow, neverSent, duePending, dueAcked);

    assertEquals(List.of(dueAcked, duePending, dueNow), store.inTransaction(tx -> tx.claimDue(T0 + 500, 10)));
    assertEquals(List.of(dueAcked, duePending), store.inTransaction(tx -> tx.claimDue(T0 + 500, 2)));
    assertEquals(List.of(), store.inTransaction(tx -> tx.claimDue(T0 + 49, 10)));
  }

  @Test
  void aClaimedTransferUpdatedWithItsNextAttemptIsNoLongerDue() {
    ProducerTransfer due = pending(UUID.randomUUID(), T0 + 100);
    insert(due);

    store.inTransaction(tx -> {
      List<ProducerTransfer> claimed = tx.claimDue(T0 + 200, 10);
      assertEquals(List.of(due), claimed);
      tx.update(List.of(new ProducerTransfer(due.id(), due.terms(), due.status(), null, null, true, 2, T0 + 900, T0,
          0)));
      return null;
    });

    assertTrue(store.inTransaction(tx -> tx.claimDue(T0 + 899, 10)).isEmpty());
    assertEquals(2, store.inTransaction(tx -> tx.claimDue(T0 + 900, 10)).get(0).attempts());
  }
}

package io.natsbank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Invariants;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferTerms;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConsumerStore} must do, whatever keeps the data. A subclass supplies the store;
 * nothing here knows how it is kept. Failures the store detects itself (a duplicate transfer id or
 * entry) surface as {@link StoreException}; a programmer error (an update of a posting that does
 * not exist) as {@link Invariants.InvariantViolation}; whatever the work throws passes through
 * unchanged. In every case nothing of the transaction is kept.
 */
public abstract class ConsumerStoreContract {
  protected static final String PRODUCER = "bank-a";
  protected static final String CONSUMER = "bank-b";
  protected static final long T0 = 1_760_000_000_000L;

  protected static final Account DAVE = new Account("dave", Currency.EUR, new BigDecimal("0.00"), false, null);
  protected static final Account ERIN =
      new Account("erin", Currency.JPY, new BigDecimal("100"), false, new BigDecimal("5000"));
  protected static final Account FRANK =
      new Account("frank-closed", Currency.USD, new BigDecimal("3.30"), true, new BigDecimal("99.99"));
  protected static final List<Account> ACCOUNTS = List.of(DAVE, ERIN, FRANK);

  /** A new store holding exactly {@code accounts} and no postings or entries. */
  protected abstract ConsumerStore newStore(List<Account> accounts);

  protected ConsumerStore store;

  @BeforeEach
  void createStore() {
    store = newStore(ACCOUNTS);
  }

  // ---- fixtures

  protected static TransferTerms terms(String payee, String amount, Currency currency) {
    return new TransferTerms(PRODUCER, CONSUMER, "payer-1", payee, Money.parsePositive(amount, currency));
  }

  protected static ConsumerPosting okUnconfirmed(UUID id, long nextResendAtMillis) {
    return new ConsumerPosting(id, terms("dave", "12.34", Currency.EUR), Outcome.OK, null, null, false, 1,
        nextResendAtMillis, T0, 0);
  }

  protected static ConsumerPosting rejectedConfirmed(UUID id, long nextResendAtMillis) {
    return new ConsumerPosting(id, terms("nobody", "7.00", Currency.EUR), Outcome.REJECTED,
        RejectCause.UNKNOWN_ACCOUNT, "payee account 'nobody' does not exist — ü", true, 4, nextResendAtMillis,
        T0 + 1, T0 + 12_000);
  }

  protected static ConsumerPosting rejectedUnconfirmed(UUID id, long nextResendAtMillis) {
    return new ConsumerPosting(id, terms("frank-closed", "1.00", Currency.USD), Outcome.REJECTED,
        RejectCause.ACCOUNT_CLOSED, null, false, 2, nextResendAtMillis, T0 + 2, 0);
  }

  protected static ConsumerPosting okJpyWithReason(UUID id, long nextResendAtMillis) {
    return new ConsumerPosting(id, terms("erin", "4999", Currency.JPY), Outcome.OK, null, "credited", false, 1,
        nextResendAtMillis, T0 + 3, 0);
  }

  protected static ConsumerPosting confirmed(ConsumerPosting posting, long confirmedAtMillis) {
    return new ConsumerPosting(posting.id(), posting.terms(), posting.decision(), posting.cause(), posting.reason(),
        true, posting.responses(), posting.nextResendAtMillis(), posting.decidedAtMillis(), confirmedAtMillis);
  }

  protected static Entry credit(String account, String amount) {
    return new Entry(UUID.randomUUID(), account, Entry.Kind.CREDIT, new BigDecimal(amount));
  }

  protected final Map<String, Account> accounts(String... ids) {
    return store.inTransaction(tx -> tx.findAccounts(List.of(ids)));
  }

  protected final BigDecimal balance(String id) {
    return accounts(id).get(id).balance();
  }

  protected final void insert(ConsumerPosting... postings) {
    store.inTransaction(tx -> {
      tx.insert(List.of(postings));
      return null;
    });
  }

  // ---- postings

  @Test
  void storesAndReadsBackEveryFieldIncludingNulls() {
    List<ConsumerPosting> postings = List.of(okUnconfirmed(UUID.randomUUID(), T0 + 300),
        rejectedConfirmed(UUID.randomUUID(), T0 + 9_000), rejectedUnconfirmed(UUID.randomUUID(), T0 + 70),
        okJpyWithReason(UUID.randomUUID(), T0 + 5));
    insert(postings.toArray(ConsumerPosting[]::new));

    for (ConsumerPosting posting : postings) {
      assertEquals(Optional.of(posting), store.find(posting.id()), posting.decision().toString());
    }
    Map<UUID, ConsumerPosting> locked =
        store.inTransaction(tx -> tx.findForUpdate(postings.stream().map(ConsumerPosting::id).toList()));
    assertEquals(4, locked.size());
    postings.forEach(posting -> assertEquals(posting, locked.get(posting.id())));
  }

  @Test
  void findsNothingForAnUnknownId() {
    assertEquals(Optional.empty(), store.find(UUID.randomUUID()));
  }

  @Test
  void findForUpdateLeavesOutMissingIds() {
    ConsumerPosting stored = okUnconfirmed(UUID.randomUUID(), T0);
    insert(stored);

    Map<UUID, ConsumerPosting> found =
        store.inTransaction(tx -> tx.findForUpdate(List.of(UUID.randomUUID(), stored.id())));

    assertEquals(Map.of(stored.id(), stored), found);
    assertEquals(Map.of(), store.inTransaction(tx -> tx.findForUpdate(List.of())));
  }

  @Test
  void updateRecordsResendsAndTheConfirmation() {
    ConsumerPosting decided = okUnconfirmed(UUID.randomUUID(), T0 + 100);
    insert(decided);
    ConsumerPosting resent = new ConsumerPosting(decided.id(), decided.terms(), decided.decision(), null, null, false,
        2, T0 + 400, T0, 0);
    ConsumerPosting done = confirmed(resent, T0 + 450);

    store.inTransaction(tx -> {
      tx.update(List.of(resent));
      return null;
    });
    assertEquals(Optional.of(resent), store.find(decided.id()));
    store.inTransaction(tx -> {
      tx.update(List.of(done));
      return null;
    });
    assertEquals(Optional.of(done), store.find(decided.id()));
  }

  @Test
  void updatingAPostingThatDoesNotExistIsAProgrammerErrorAndKeepsNothing() {
    ConsumerPosting inserted = okUnconfirmed(UUID.randomUUID(), T0);

    assertThrows(Invariants.InvariantViolation.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(inserted));
      tx.update(List.of(okUnconfirmed(UUID.randomUUID(), T0)));
      return null;
    }));

    assertEquals(Optional.empty(), store.find(inserted.id()));
  }

  @Test
  void insertingAnExistingIdFailsTheWholeTransaction() {
    ConsumerPosting original = okUnconfirmed(UUID.randomUUID(), T0);
    insert(original);
    ConsumerPosting other = okUnconfirmed(UUID.randomUUID(), T0);

    assertThrows(StoreException.class, () -> insert(other, rejectedUnconfirmed(original.id(), T0)));

    assertEquals(Optional.empty(), store.find(other.id()));
    assertEquals(Optional.of(original), store.find(original.id()));
  }

  @Test
  void workThatThrowsRollsBackAndTheExceptionPassesThrough() {
    ConsumerPosting posting = okUnconfirmed(UUID.randomUUID(), T0);
    IllegalStateException thrown = new IllegalStateException("the work failed");

    IllegalStateException caught = assertThrows(IllegalStateException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(posting));
      tx.applyEntries(List.of(credit("dave", "1.00")));
      throw thrown;
    }));

    assertSame(thrown, caught);
    assertEquals(Optional.empty(), store.find(posting.id()));
    assertEquals(new BigDecimal("0.00"), balance("dave"));
  }

  @Test
  void returnsWhatTheWorkReturns() {
    assertEquals("done", store.inTransaction(tx -> "done"));
  }

  @Test
  void lockTransferIdsTakesAnyIdsAnyNumberOfTimes() {
    UUID first = UUID.randomUUID();
    ConsumerPosting posting = okUnconfirmed(first, T0);

    store.inTransaction(tx -> {
      tx.lockTransferIds(List.of());
      tx.lockTransferIds(List.of(UUID.randomUUID(), first));
      tx.lockTransferIds(List.of(first));
      tx.insert(List.of(posting));
      return null;
    });

    assertEquals(Optional.of(posting), store.find(first));
  }

  // ---- accounts and entries

  @Test
  void findAccountsReturnsTheKnownAccountsAsSeeded() {
    assertEquals(Map.of("dave", DAVE, "erin", ERIN, "frank-closed", FRANK),
        accounts("dave", "erin", "frank-closed", "nobody"));
    assertEquals(Map.of(), store.inTransaction(tx -> tx.findAccounts(List.of())));
  }

  @Test
  void applyEntriesMovesEachBalanceByTheSumOfItsCredits() {
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(credit("dave", "10.00"), credit("erin", "7"), credit("dave", "5.25"),
          credit("dave", "0.01")));
      return null;
    });

    assertEquals(new BigDecimal("15.26"), balance("dave"));
    assertEquals(new BigDecimal("107"), balance("erin"));
    assertEquals(FRANK, accounts("frank-closed").get("frank-closed"));
  }

  @Test
  void aDuplicateCreditFailsTheWholeTransactionAndKeepsNothing() {
    Entry credit = credit("dave", "10.00");
    store.inTransaction(tx -> {
      tx.applyEntries(List.of(credit));
      return null;
    });
    ConsumerPosting posting = okUnconfirmed(credit.transferId(), T0);

    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.insert(List.of(posting));
      tx.applyEntries(List.of(credit("dave", "1.00"), credit));
      return null;
    }));

    assertEquals(new BigDecimal("10.00"), balance("dave"));
    assertEquals(Optional.empty(), store.find(posting.id()));
  }

  @Test
  void aDuplicateCreditWithinOneCallFailsTheWholeTransaction() {
    Entry credit = credit("erin", "1");

    assertThrows(StoreException.class, () -> store.inTransaction(tx -> {
      tx.applyEntries(List.of(credit, credit));
      return null;
    }));

    assertEquals(new BigDecimal("100"), balance("erin"));
  }

  // ---- re-sends

  @Test
  void claimDueReturnsOnlyDueUnconfirmedPostingsOldestFirst() {
    ConsumerPosting dueFirst = rejectedUnconfirmed(UUID.randomUUID(), T0 + 50);
    ConsumerPosting dueSecond = okUnconfirmed(UUID.randomUUID(), T0 + 100);
    ConsumerPosting dueNow = okJpyWithReason(UUID.randomUUID(), T0 + 500);
    ConsumerPosting notYetDue = okUnconfirmed(UUID.randomUUID(), T0 + 501);
    ConsumerPosting alreadyConfirmed = rejectedConfirmed(UUID.randomUUID(), T0 + 10);
    insert(notYetDue, alreadyConfirmed, dueNow, dueSecond, dueFirst);

    assertEquals(List.of(dueFirst, dueSecond, dueNow), store.inTransaction(tx -> tx.claimDue(T0 + 500, 10)));
    assertEquals(List.of(dueFirst), store.inTransaction(tx -> tx.claimDue(T0 + 500, 1)));
    assertEquals(List.of(), store.inTransaction(tx -> tx.claimDue(T0 + 49, 10)));
  }

  @Test
  void aConfirmedPostingIsNoLongerDue() {
    ConsumerPosting due = okUnconfirmed(UUID.randomUUID(), T0 + 100);
    insert(due);

    store.inTransaction(tx -> {
      tx.update(List.of(confirmed(due, T0 + 150)));
      return null;
    });

    assertTrue(store.inTransaction(tx -> tx.claimDue(T0 + 1_000_000, 10)).isEmpty());
  }
}

package io.natsbank.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the memory stores add to the contract: the schema's other guards, snapshots, and serialised use. */
class MemoryStoresTest {
  static final long T0 = 1_760_000_000_000L;
  static final Account ALICE = new Account("alice", Currency.EUR, new BigDecimal("100.00"), false, null);
  static final Account DAVE = new Account("dave", Currency.EUR, new BigDecimal("5.00"), false, null);

  final MemoryProducerStore producer = new MemoryProducerStore("bank-a", List.of(ALICE));
  final MemoryConsumerStore consumer = new MemoryConsumerStore("bank-b", List.of(DAVE));

  static TransferTerms terms(String payer, String payee, String amount) {
    return new TransferTerms("bank-a", "bank-b", payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  static ProducerTransfer pending(UUID id, String payer, long dueAtMillis) {
    return new ProducerTransfer(id, terms(payer, "dave", "10.00"), TransferStatus.PENDING, null, null, true, 1,
        dueAtMillis, T0, 0);
  }

  static ProducerTransfer finished(ProducerTransfer transfer, TransferStatus status, RejectCause cause) {
    return new ProducerTransfer(transfer.id(), transfer.terms(), status, cause, null, true, transfer.attempts(),
        transfer.nextAttemptAtMillis(), transfer.createdAtMillis(), T0 + 1);
  }

  static ConsumerPosting decided(UUID id, Outcome decision, RejectCause cause, int responses) {
    return new ConsumerPosting(id, terms("alice", "dave", "10.00"), decision, cause, null, false, responses, T0, T0,
        0);
  }

  @Test
  void aDebitBelowZeroFailsTheTransactionAndKeepsNothing() {
    UUID id = UUID.randomUUID();

    assertThrows(StoreException.class, () -> producer.inTransaction(tx -> {
      tx.insert(List.of(pending(id, "alice", T0)));
      tx.applyEntries(List.of(new Entry(id, "alice", Entry.Kind.DEBIT, new BigDecimal("100.01"))));
      return null;
    }));

    assertEquals(Optional.empty(), producer.find(id));
    assertEquals(new BigDecimal("100.00"), producer.snapshot().accounts().get(0).account().balance());
  }

  @Test
  void aTransferOfAnUnknownPayerOrAnEntryOfAnotherKindIsRefused() {
    assertThrows(StoreException.class, () -> producer.inTransaction(tx -> {
      tx.insert(List.of(pending(UUID.randomUUID(), "nobody", T0)));
      return null;
    }));
    assertThrows(StoreException.class, () -> producer.inTransaction(tx -> {
      tx.applyEntries(List.of(new Entry(UUID.randomUUID(), "alice", Entry.Kind.CREDIT, BigDecimal.ONE)));
      return null;
    }));
    assertThrows(StoreException.class, () -> consumer.inTransaction(tx -> {
      tx.applyEntries(List.of(new Entry(UUID.randomUUID(), "dave", Entry.Kind.DEBIT, BigDecimal.ONE)));
      return null;
    }));
    assertEquals(List.of(), producer.snapshot().entries());
    assertEquals(List.of(), consumer.snapshot().entries());
  }

  @Test
  void aFinalOutcomeNeverChanges() {
    ProducerTransfer transfer = pending(UUID.randomUUID(), "alice", T0);
    ProducerTransfer ok = finished(transfer, TransferStatus.OK, null);
    producer.inTransaction(tx -> {
      tx.insert(List.of(transfer));
      tx.update(List.of(ok));
      tx.update(List.of(ok));
      return null;
    });

    StoreException refused = assertThrows(StoreException.class, () -> producer.inTransaction(tx -> {
      tx.update(List.of(finished(transfer, TransferStatus.REJECTED, RejectCause.OVER_LIMIT)));
      return null;
    }));

    assertTrue(refused.getMessage().contains("refusing to change it to REJECTED"), refused.getMessage());
    assertEquals(Optional.of(ok), producer.find(transfer.id()));
  }

  @Test
  void aDecisionNeverChangesAndNeedsAResponseCounted() {
    UUID id = UUID.randomUUID();
    ConsumerPosting ok = decided(id, Outcome.OK, null, 1);
    consumer.inTransaction(tx -> {
      tx.insert(List.of(ok));
      return null;
    });

    assertThrows(StoreException.class, () -> consumer.inTransaction(tx -> {
      tx.update(List.of(decided(id, Outcome.REJECTED, RejectCause.ACCOUNT_CLOSED, 2)));
      return null;
    }));
    assertThrows(StoreException.class, () -> consumer.inTransaction(tx -> {
      tx.insert(List.of(decided(UUID.randomUUID(), Outcome.OK, null, 0)));
      return null;
    }));
    assertEquals(List.of(ok), consumer.snapshot().postings());
  }

  @Test
  void workThatSwallowsAStoreFailureStillCannotCommit() {
    UUID id = UUID.randomUUID();

    assertThrows(StoreException.class, () -> producer.inTransaction(tx -> {
      tx.insert(List.of(pending(id, "alice", T0)));
      try {
        tx.applyEntries(List.of(new Entry(id, "nobody", Entry.Kind.DEBIT, BigDecimal.ONE)));
      } catch (StoreException swallowed) {
        // a careless caller carries on
      }
      return null;
    }));

    assertEquals(Optional.empty(), producer.find(id));
  }

  @Test
  void aTxCannotBeUsedAfterItsWorkNorNested() {
    List<io.natsbank.node.ProducerStore.Tx> leaked = new ArrayList<>();
    producer.inTransaction(tx -> leaked.add(tx));

    assertThrows(IllegalStateException.class, () -> leaked.get(0).claimDue(T0, 1));
    assertThrows(IllegalStateException.class, () -> producer.inTransaction(tx -> producer.inTransaction(inner -> 1)));
  }

  @Test
  void claimDueSeesRowsWrittenEarlierInTheSameTransaction() {
    ProducerTransfer committed = pending(UUID.randomUUID(), "alice", T0 + 20);
    producer.inTransaction(tx -> {
      tx.insert(List.of(committed));
      return null;
    });
    ProducerTransfer earlier = pending(UUID.randomUUID(), "alice", T0 + 10);
    ProducerTransfer movedLater = new ProducerTransfer(committed.id(), committed.terms(), committed.status(), null,
        null, true, 2, T0 + 99, T0, 0);

    List<ProducerTransfer> due = producer.inTransaction(tx -> {
      tx.insert(List.of(earlier));
      tx.update(List.of(movedLater));
      return tx.claimDue(T0 + 50, 10);
    });

    assertEquals(List.of(earlier), due);
    assertEquals(2, producer.unfinishedCount());
  }

  @Test
  void snapshotsKeepOpeningBalancesAndEntriesInOrder() {
    UUID id = UUID.randomUUID();
    Entry credit = new Entry(id, "dave", Entry.Kind.CREDIT, new BigDecimal("2.50"));
    consumer.inTransaction(tx -> {
      tx.insert(List.of(decided(id, Outcome.OK, null, 1)));
      tx.applyEntries(List.of(credit));
      return null;
    });

    ConsumerSnapshot snapshot = consumer.snapshot();

    assertEquals(List.of(new AccountSnapshot(DAVE.withBalance(new BigDecimal("7.50")), new BigDecimal("5.00"))),
        snapshot.accounts());
    assertEquals(List.of(credit), snapshot.entries());
    assertEquals(1, consumer.unconfirmedCount());
  }

  @Test
  void concurrentTransactionsAreSerialised() throws Exception {
    int threads = 4;
    int debitsPerThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        done.add(pool.submit(() -> {
          for (int debit = 0; debit < debitsPerThread; debit++) {
            producer.inTransaction(tx -> {
              BigDecimal balance = tx.lockAccounts(List.of("alice")).get("alice").balance();
              tx.applyEntries(List.of(new Entry(UUID.randomUUID(), "alice", Entry.Kind.DEBIT, new BigDecimal("0.01"))));
              return balance;
            });
          }
        }));
      }
      for (Future<?> each : done) {
        each.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(new BigDecimal("90.00"), producer.snapshot().accounts().get(0).account().balance());
    assertEquals(threads * debitsPerThread, producer.snapshot().entries().size());
  }
}

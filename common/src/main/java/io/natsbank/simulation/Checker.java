package io.natsbank.simulation;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.store.memory.AccountSnapshot;
import io.natsbank.store.memory.ConsumerSnapshot;
import io.natsbank.store.memory.ProducerSnapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The audit after the run: every invariant of the design, checked across all stores and against
 * the client's own record. It reads committed state only and reports each violation with the
 * transfer ids involved; it never stops at the first.
 */
final class Checker {
  private final Map<String, ProducerSnapshot> producers = new TreeMap<>();
  private final Map<String, ConsumerSnapshot> consumers = new TreeMap<>();
  private final Map<String, Map<UUID, ProducerTransfer>> transfers = new TreeMap<>();
  private final Map<String, Map<UUID, ConsumerPosting>> postings = new TreeMap<>();
  private final Collection<ClientRecord> client;
  private final Consumer<String> violation;

  Checker(List<ProducerSnapshot> producerSnapshots, List<ConsumerSnapshot> consumerSnapshots,
      Collection<ClientRecord> client, Consumer<String> violation) {
    for (ProducerSnapshot snapshot : producerSnapshots) {
      producers.put(snapshot.store(), snapshot);
      Map<UUID, ProducerTransfer> byId = new LinkedHashMap<>();
      snapshot.transfers().forEach(transfer -> byId.put(transfer.id(), transfer));
      transfers.put(snapshot.store(), byId);
    }
    for (ConsumerSnapshot snapshot : consumerSnapshots) {
      consumers.put(snapshot.store(), snapshot);
      Map<UUID, ConsumerPosting> byId = new LinkedHashMap<>();
      snapshot.postings().forEach(posting -> byId.put(posting.id(), posting));
      postings.put(snapshot.store(), byId);
    }
    this.client = client;
    this.violation = violation;
  }

  void check() {
    checkClientRecord();
    producers.values().forEach(this::checkProducer);
    consumers.values().forEach(this::checkConsumer);
    producers.values().forEach(snapshot -> checkBalances(snapshot.store(), snapshot.accounts(), snapshot.entries()));
    consumers.values().forEach(snapshot -> checkBalances(snapshot.store(), snapshot.accounts(), snapshot.entries()));
    checkConservation();
  }

  /** Nothing acknowledged is lost, nothing held was never submitted, nothing refusable is held. */
  private void checkClientRecord() {
    Map<UUID, ClientRecord> byId = new LinkedHashMap<>();
    for (ClientRecord record : client) {
      byId.put(record.id, record);
      ProducerTransfer held = transfers.getOrDefault(record.producer, Map.of()).get(record.id);
      if (!record.answered()) {
        violation.accept("transfer " + record.id + " submitted to " + record.producer + " was never answered");
      }
      if (record.expectedRefusal != null && held != null) {
        violation.accept("transfer " + record.id + " should have been refused (" + record.expectedRefusal
            + ") but " + record.producer + " holds it");
      }
      if (record.acknowledged) {
        checkAcknowledged(record, held);
      }
    }
    transfers.forEach((producer, held) -> held.keySet().forEach(id -> {
      ClientRecord record = byId.get(id);
      if (record == null || !record.producer.equals(producer)) {
        violation.accept("transfer " + id + " is held by " + producer + " but the client never submitted it there");
      }
    }));
  }

  private void checkAcknowledged(ClientRecord record, ProducerTransfer held) {
    if (held == null) {
      violation.accept("LOST: transfer " + record.id + " was acknowledged by " + record.producer
          + " but it does not hold it");
      return;
    }
    if (!held.terms().equals(record.request.termsAt(record.producer))) {
      violation.accept("transfer " + record.id + " is held with other terms than submitted: " + held.terms());
    }
    if (record.sent && !held.sent()) {
      violation.accept("transfer " + record.id + " was acknowledged as sent but is held as rejected at once");
    }
    if (record.rejectedAtOnce != null && (held.sent() || held.cause() != record.rejectedAtOnce)) {
      violation.accept("transfer " + record.id + " was acknowledged as rejected at once (" + record.rejectedAtOnce
          + ") but is held as " + held.status() + "/" + held.cause() + " sent=" + held.sent());
    }
  }

  private void checkProducer(ProducerSnapshot snapshot) {
    Map<String, Account> accounts = accountsById(snapshot.accounts());
    Map<UUID, EnumMap<Entry.Kind, List<Entry>>> entries = entriesByTransfer(snapshot.store(), snapshot.entries(),
        accounts, transfers.get(snapshot.store()).keySet());
    for (ProducerTransfer transfer : snapshot.transfers()) {
      Account payer = accounts.get(transfer.terms().payer());
      if (payer == null) {
        violation.accept(snapshot.store() + " holds transfer " + transfer.id() + " of unknown payer "
            + transfer.terms().payer());
        continue;
      }
      if (!transfer.status().isFinal()) {
        violation.accept("transfer " + transfer.id() + " is not final at " + snapshot.store() + ": "
            + transfer.status());
      }
      if (transfer.sent()) {
        checkSentTransfer(snapshot.store(), transfer, payer);
      } else {
        checkRejectedAtOnce(snapshot.store(), transfer, payer);
      }
      EnumMap<Entry.Kind, List<Entry>> kinds = entries.getOrDefault(transfer.id(), new EnumMap<>(Entry.Kind.class));
      boolean debited = transfer.sent();
      boolean refunded = transfer.sent() && transfer.status() == TransferStatus.REJECTED;
      expectEntries(snapshot.store(), transfer.id(), kinds, Entry.Kind.DEBIT, debited, payer.id(), transfer.terms());
      expectEntries(snapshot.store(), transfer.id(), kinds, Entry.Kind.REFUND, refunded, payer.id(), transfer.terms());
      expectNoEntries(snapshot.store(), transfer.id(), kinds, Entry.Kind.CREDIT);
    }
  }

  private void checkSentTransfer(String producer, ProducerTransfer transfer, Account payer) {
    if (payer.closed() || payer.currency() != transfer.terms().amount().currency()) {
      violation.accept("transfer " + transfer.id() + " was sent although payer " + payer.id()
          + " is closed or holds another currency");
    }
    Map<UUID, ConsumerPosting> atConsumer = postings.get(transfer.terms().consumer());
    if (atConsumer == null) {
      violation.accept("transfer " + transfer.id() + " was sent to unknown consumer " + transfer.terms().consumer());
      return;
    }
    ConsumerPosting posting = atConsumer.get(transfer.id());
    if (posting == null) {
      if (transfer.status().isFinal()) {
        violation.accept("transfer " + transfer.id() + " is final (" + transfer.status() + ") at " + producer
            + " but " + transfer.terms().consumer() + " never decided it");
      }
      return;
    }
    if (transfer.status().isFinal()
        && (transfer.outcome() != posting.decision() || transfer.cause() != posting.cause())) {
      violation.accept("transfer " + transfer.id() + ": producer and consumer disagree: " + producer + " says "
          + transfer.status() + "/" + transfer.cause() + ", " + transfer.terms().consumer() + " says "
          + posting.decision() + "/" + posting.cause());
    }
  }

  private void checkRejectedAtOnce(String producer, ProducerTransfer transfer, Account payer) {
    RejectCause expected = payer.closed() ? RejectCause.ACCOUNT_CLOSED : RejectCause.INSUFFICIENT_FUNDS;
    if (transfer.status() != TransferStatus.REJECTED || transfer.cause() != expected) {
      violation.accept("transfer " + transfer.id() + " was never sent but is " + transfer.status() + "/"
          + transfer.cause() + " at " + producer + ", expected REJECTED/" + expected);
    }
  }

  private void checkConsumer(ConsumerSnapshot snapshot) {
    Map<String, Account> accounts = accountsById(snapshot.accounts());
    Map<UUID, EnumMap<Entry.Kind, List<Entry>>> entries = entriesByTransfer(snapshot.store(), snapshot.entries(),
        accounts, postings.get(snapshot.store()).keySet());
    for (ConsumerPosting posting : snapshot.postings()) {
      ProducerTransfer sent = transfers.getOrDefault(posting.terms().producer(), Map.of()).get(posting.id());
      if (sent == null || !sent.sent() || !sent.terms().equals(posting.terms())) {
        violation.accept(snapshot.store() + " holds a decision for transfer " + posting.id()
            + " that producer " + posting.terms().producer() + " never sent with these terms");
      }
      RejectCause expected = expectedRejection(posting.terms(), accounts);
      Outcome expectedDecision = expected == null ? Outcome.OK : Outcome.REJECTED;
      if (posting.decision() != expectedDecision || posting.cause() != expected) {
        violation.accept("transfer " + posting.id() + " was decided " + posting.decision() + "/" + posting.cause()
            + " at " + snapshot.store() + ", expected " + expectedDecision + "/" + expected);
      }
      if (!posting.confirmed()) {
        violation.accept("the decision on transfer " + posting.id() + " at " + snapshot.store()
            + " was never confirmed");
      } else if (sent != null && !sent.status().isFinal()) {
        violation.accept("transfer " + posting.id() + " is confirmed at " + snapshot.store()
            + " but its outcome is not applied at " + posting.terms().producer());
      }
      EnumMap<Entry.Kind, List<Entry>> kinds = entries.getOrDefault(posting.id(), new EnumMap<>(Entry.Kind.class));
      expectEntries(snapshot.store(), posting.id(), kinds, Entry.Kind.CREDIT, posting.decision() == Outcome.OK,
          posting.terms().payee(), posting.terms());
      expectNoEntries(snapshot.store(), posting.id(), kinds, Entry.Kind.DEBIT);
      expectNoEntries(snapshot.store(), posting.id(), kinds, Entry.Kind.REFUND);
    }
  }

  /** The independent model of a consumer's decision: the same rules, from the accounts as opened. */
  static RejectCause expectedRejection(TransferTerms terms, Map<String, Account> accounts) {
    Account payee = accounts.get(terms.payee());
    if (payee == null) {
      return RejectCause.UNKNOWN_ACCOUNT;
    }
    if (payee.closed()) {
      return RejectCause.ACCOUNT_CLOSED;
    }
    if (payee.currency() != terms.amount().currency()) {
      return RejectCause.CURRENCY_MISMATCH;
    }
    if (payee.creditMax() != null && terms.amount().amount().compareTo(payee.creditMax()) > 0) {
      return RejectCause.OVER_LIMIT;
    }
    return null;
  }

  private void expectEntries(String store, UUID id, EnumMap<Entry.Kind, List<Entry>> kinds, Entry.Kind kind,
      boolean expected, String account, TransferTerms terms) {
    List<Entry> found = kinds.getOrDefault(kind, List.of());
    if (found.size() != (expected ? 1 : 0)) {
      violation.accept("transfer " + id + " has " + found.size() + " " + kind + " entries at " + store + ", expected "
          + (expected ? 1 : 0));
    }
    for (Entry entry : found) {
      if (!entry.account().equals(account) || entry.amount().compareTo(terms.amount().amount()) != 0) {
        violation.accept("the " + kind + " of transfer " + id + " at " + store + " moves " + entry.amount()
            + " on " + entry.account() + ", expected " + terms.amount().amount() + " on " + account);
      }
    }
  }

  private void expectNoEntries(String store, UUID id, EnumMap<Entry.Kind, List<Entry>> kinds, Entry.Kind kind) {
    int found = kinds.getOrDefault(kind, List.of()).size();
    if (found > 0) {
      violation.accept("transfer " + id + " has " + found + " " + kind + " entries at " + store + ", expected 0");
    }
  }

  private Map<UUID, EnumMap<Entry.Kind, List<Entry>>> entriesByTransfer(String store, List<Entry> entries,
      Map<String, Account> accounts, Set<UUID> known) {
    Map<UUID, EnumMap<Entry.Kind, List<Entry>>> byTransfer = new LinkedHashMap<>();
    for (Entry entry : entries) {
      if (!accounts.containsKey(entry.account())) {
        violation.accept("an entry of transfer " + entry.transferId() + " at " + store + " touches unknown account "
            + entry.account());
      }
      if (!known.contains(entry.transferId())) {
        violation.accept("an entry at " + store + " names transfer " + entry.transferId() + " that it does not hold");
      }
      byTransfer.computeIfAbsent(entry.transferId(), id -> new EnumMap<>(Entry.Kind.class))
          .computeIfAbsent(entry.kind(), kind -> new ArrayList<>()).add(entry);
    }
    return byTransfer;
  }

  /** Each balance is its opening balance plus its entries, and never negative. */
  private void checkBalances(String store, List<AccountSnapshot> accounts, List<Entry> entries) {
    Map<String, BigDecimal> moved = new TreeMap<>();
    for (Entry entry : entries) {
      moved.merge(entry.account(), entry.balanceDelta(), BigDecimal::add);
    }
    for (AccountSnapshot snapshot : accounts) {
      Account account = snapshot.account();
      BigDecimal expected = snapshot.openingBalance().add(moved.getOrDefault(account.id(), BigDecimal.ZERO));
      if (account.balance().compareTo(expected) != 0) {
        violation.accept("balance of " + account.id() + " at " + store + " is " + account.balance()
            + " but opening plus entries is " + expected);
      }
      if (account.balance().signum() < 0) {
        violation.accept("balance of " + account.id() + " at " + store + " is negative: " + account.balance());
      }
    }
  }

  /**
   * Money is conserved per currency, to the cent: all balances plus what is in flight (debited at a
   * producer, neither credited at the consumer nor refunded) equal all opening balances.
   */
  private void checkConservation() {
    Map<Currency, BigDecimal> opening = new EnumMap<>(Currency.class);
    Map<Currency, BigDecimal> now = new EnumMap<>(Currency.class);
    List<AccountSnapshot> all = new ArrayList<>();
    producers.values().forEach(snapshot -> all.addAll(snapshot.accounts()));
    consumers.values().forEach(snapshot -> all.addAll(snapshot.accounts()));
    for (AccountSnapshot snapshot : all) {
      opening.merge(snapshot.account().currency(), snapshot.openingBalance(), BigDecimal::add);
      now.merge(snapshot.account().currency(), snapshot.account().balance(), BigDecimal::add);
    }
    producers.values().forEach(snapshot -> inFlight(snapshot, now));
    for (Currency currency : opening.keySet()) {
      BigDecimal before = opening.get(currency);
      BigDecimal after = now.getOrDefault(currency, BigDecimal.ZERO);
      if (before.compareTo(after) != 0) {
        violation.accept("money is not conserved in " + currency + ": opening total " + before.toPlainString()
            + ", now (balances plus in flight) " + after.toPlainString());
      }
    }
  }

  private void inFlight(ProducerSnapshot snapshot, Map<Currency, BigDecimal> total) {
    Map<UUID, List<Entry>> byTransfer = new LinkedHashMap<>();
    snapshot.entries().forEach(entry -> byTransfer.computeIfAbsent(entry.transferId(), id -> new ArrayList<>())
        .add(entry));
    for (ProducerTransfer transfer : snapshot.transfers()) {
      if (!transfer.sent() || transfer.status().isFinal()) {
        continue;
      }
      BigDecimal flying = BigDecimal.ZERO;
      for (Entry entry : byTransfer.getOrDefault(transfer.id(), List.of())) {
        flying = flying.subtract(entry.balanceDelta());
      }
      ConsumerSnapshot consumer = consumers.get(transfer.terms().consumer());
      if (consumer != null) {
        for (Entry entry : consumer.entries()) {
          if (entry.transferId().equals(transfer.id())) {
            flying = flying.subtract(entry.balanceDelta());
          }
        }
      }
      total.merge(transfer.terms().amount().currency(), flying, BigDecimal::add);
    }
  }

  private static Map<String, Account> accountsById(List<AccountSnapshot> snapshots) {
    Map<String, Account> accounts = new TreeMap<>();
    snapshots.forEach(snapshot -> accounts.put(snapshot.account().id(), snapshot.account()));
    return accounts;
  }
}

package io.natsbank.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.store.memory.AccountSnapshot;
import io.natsbank.store.memory.ConsumerSnapshot;
import io.natsbank.store.memory.ProducerSnapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The audit catches each broken invariant even where the stores' own guards would have stopped it
 * first: the state is built by hand, consistent, then broken one way at a time.
 */
class CheckerTest {
  static final String PRODUCER = "producer-1";
  static final String CONSUMER = "consumer-1";
  static final UUID OK_ID = UUID.fromString("01977420-0000-7000-8000-000000000001");
  static final UUID REJECTED_ID = UUID.fromString("01977420-0000-7000-8000-000000000002");
  static final long T0 = 1_750_000_000_000L;

  List<AccountSnapshot> payers = new ArrayList<>(List.of(account("payer", "90.00", "100.00")));
  List<AccountSnapshot> payees = new ArrayList<>(List.of(account("payee", "10.00", "0.00")));
  List<ProducerTransfer> transfers = new ArrayList<>(List.of(
      transfer(OK_ID, "payee", "10.00", TransferStatus.OK, null),
      transfer(REJECTED_ID, "ghost", "5.00", TransferStatus.REJECTED, RejectCause.UNKNOWN_ACCOUNT)));
  List<Entry> producerEntries = new ArrayList<>(List.of(
      entry(OK_ID, "payer", Entry.Kind.DEBIT, "10.00"),
      entry(REJECTED_ID, "payer", Entry.Kind.DEBIT, "5.00"),
      entry(REJECTED_ID, "payer", Entry.Kind.REFUND, "5.00")));
  List<ConsumerPosting> postings = new ArrayList<>(List.of(
      posting(OK_ID, "payee", "10.00", Outcome.OK, null, true),
      posting(REJECTED_ID, "ghost", "5.00", Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, true)));
  List<Entry> consumerEntries = new ArrayList<>(List.of(entry(OK_ID, "payee", Entry.Kind.CREDIT, "10.00")));
  List<ClientRecord> client = new ArrayList<>(List.of(
      acknowledged(OK_ID, "payee", "10.00"), acknowledged(REJECTED_ID, "ghost", "5.00")));

  static AccountSnapshot account(String id, String balance, String opening) {
    return new AccountSnapshot(new Account(id, Currency.EUR, new BigDecimal(balance), false, null),
        new BigDecimal(opening));
  }

  static TransferTerms terms(String payee, String amount) {
    return new TransferTerms(PRODUCER, CONSUMER, "payer", payee, Money.parsePositive(amount, Currency.EUR));
  }

  static ProducerTransfer transfer(UUID id, String payee, String amount, TransferStatus status, RejectCause cause) {
    return new ProducerTransfer(id, terms(payee, amount), status, cause, null, true, 1, T0, T0,
        status.isFinal() ? T0 + 1 : 0);
  }

  static ConsumerPosting posting(UUID id, String payee, String amount, Outcome decision, RejectCause cause,
      boolean confirmed) {
    return new ConsumerPosting(id, terms(payee, amount), decision, cause, null, confirmed, 1, T0, T0,
        confirmed ? T0 + 2 : 0);
  }

  static Entry entry(UUID id, String account, Entry.Kind kind, String amount) {
    return new Entry(id, account, kind, new BigDecimal(amount));
  }

  static ClientRecord acknowledged(UUID id, String payee, String amount) {
    ClientRecord record = new ClientRecord(PRODUCER,
        new SubmitRequest(id, CONSUMER, "payer", payee, Money.parsePositive(amount, Currency.EUR)), null);
    record.acknowledged = true;
    record.sent = true;
    return record;
  }

  List<String> audit() {
    List<String> violations = new ArrayList<>();
    new Checker(List.of(new ProducerSnapshot(PRODUCER, payers, transfers, producerEntries)),
        List.of(new ConsumerSnapshot(CONSUMER, payees, postings, consumerEntries)), client, violations::add).check();
    return violations;
  }

  void expect(String fragment, UUID id) {
    List<String> violations = audit();
    assertTrue(violations.stream().anyMatch(violation -> violation.contains(fragment)
            && (id == null || violation.contains(id.toString()))),
        "expected a violation with '" + fragment + "' naming " + id + ", got " + violations);
  }

  @Test
  void aConsistentStateIsClean() {
    assertEquals(List.of(), audit());
  }

  @Test
  void anAcknowledgedTransferTheProducerDoesNotHoldIsLost() {
    transfers.remove(0);
    producerEntries.remove(0);
    postings.remove(0);
    consumerEntries.clear();
    payers.set(0, account("payer", "100.00", "100.00"));
    payees.set(0, account("payee", "0.00", "0.00"));

    expect("LOST: transfer", OK_ID);
  }

  @Test
  void aTransferTheClientNeverSubmittedIsCaught() {
    client.remove(1);

    expect("never submitted", REJECTED_ID);
  }

  @Test
  void aCreditTwiceIsCaught() {
    consumerEntries.add(entry(OK_ID, "payee", Entry.Kind.CREDIT, "10.00"));
    payees.set(0, account("payee", "20.00", "0.00"));

    expect("has 2 CREDIT entries", OK_ID);
    expect("money is not conserved in EUR", null);
  }

  @Test
  void aMissingRefundIsCaught() {
    producerEntries.remove(2);
    payers.set(0, account("payer", "85.00", "100.00"));

    expect("has 0 REFUND entries", REJECTED_ID);
    expect("money is not conserved in EUR", null);
  }

  @Test
  void aRefundOfAnAcceptedTransferIsCaught() {
    producerEntries.add(entry(OK_ID, "payer", Entry.Kind.REFUND, "10.00"));
    payers.set(0, account("payer", "100.00", "100.00"));

    expect("has 1 REFUND entries at producer-1, expected 0", OK_ID);
  }

  @Test
  void producerAndConsumerDisagreeingIsCaught() {
    postings.set(0, posting(OK_ID, "payee", "10.00", Outcome.REJECTED, RejectCause.OVER_LIMIT, true));
    consumerEntries.clear();
    payees.set(0, account("payee", "0.00", "0.00"));

    expect("producer and consumer disagree", OK_ID);
    expect("expected OK/null", OK_ID);
  }

  @Test
  void anUnconfirmedDecisionIsCaught() {
    postings.set(1, posting(REJECTED_ID, "ghost", "5.00", Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, false));

    expect("was never confirmed", REJECTED_ID);
  }

  @Test
  void anUnfinishedTransferIsCaughtWithMoneyInFlightCounted() {
    transfers.set(0, transfer(OK_ID, "payee", "10.00", TransferStatus.PENDING, null));
    postings.remove(0);
    consumerEntries.clear();
    payees.set(0, account("payee", "0.00", "0.00"));

    List<String> violations = audit();

    assertTrue(violations.stream().anyMatch(violation -> violation.contains("is not final")), violations.toString());
    assertTrue(violations.stream().noneMatch(violation -> violation.contains("conserved")), violations.toString());
  }

  @Test
  void aConfirmationBeforeTheProducerAppliedTheOutcomeIsCaught() {
    transfers.set(0, transfer(OK_ID, "payee", "10.00", TransferStatus.PENDING, null));

    expect("its outcome is not applied", OK_ID);
  }

  @Test
  void aBalanceThatDoesNotMatchItsEntriesOrIsNegativeIsCaught() {
    payees.set(0, account("payee", "-1.00", "0.00"));

    expect("balance of payee at consumer-1 is -1.00 but opening plus entries is 10.00", null);
    expect("is negative", null);
  }

  @Test
  void anEntryOnAnUnknownAccountIsCaught() {
    consumerEntries.set(0, entry(OK_ID, "stranger", Entry.Kind.CREDIT, "10.00"));

    expect("touches unknown account stranger", OK_ID);
  }

  @Test
  void aTransferThatShouldHaveBeenRefusedIsCaught() {
    ClientRecord refusable = new ClientRecord(PRODUCER, client.get(0).request,
        io.natsbank.protocol.Refusal.Code.UNKNOWN_ACCOUNT);
    refusable.acknowledged = true;
    refusable.sent = true;
    client.set(0, refusable);

    expect("should have been refused", OK_ID);
  }
}

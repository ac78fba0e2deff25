package io.natsbank.simulation;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.SubmitRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The simulated client (the injector's part): submits random transfers, valid ones and ones that
 * must be refused or rejected, re-submits unanswered ones until answered, re-submits answered ones
 * (duplicates must change nothing) and reuses ids with other terms (must be refused). It keeps its
 * own record of what the system acknowledged, against which the stores are checked.
 */
final class Client implements Network.Endpoint {
  static final String ADDRESS = "client";
  static final long RETRY_TICKS_MIN = 20;
  static final long RETRY_TICKS_MAX = 80;
  static final String UNKNOWN_CONSUMER = "consumer-9";
  static final String UNKNOWN_ACCOUNT = "nobody";

  private final World world;
  private final Scenario scenario;
  private final RandomGenerator random;
  private final Map<UUID, ClientRecord> records = new LinkedHashMap<>();
  private final List<ClientRecord> recordsInOrder = new ArrayList<>();
  private int unanswered;

  Client(World world, Scenario scenario, RandomGenerator random) {
    this.world = world;
    this.scenario = scenario;
    this.random = random;
  }

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public boolean up() {
    return true;
  }

  Collection<ClientRecord> records() {
    return recordsInOrder;
  }

  int unanswered() {
    return unanswered;
  }

  /** Submits a new transfer to a random producer. */
  void submitNew() {
    Scenario.Participant producer = scenario.producers().get(random.nextInt(scenario.producers().size()));
    SubmitRequest request = newRequest(newTransferId(), producer);
    ClientRecord record = new ClientRecord(producer.name(), request, expectedRefusal(request, producer));
    records.put(record.id, record);
    recordsInOrder.add(record);
    unanswered++;
    send(record, request);
  }

  /** Submits a transfer again, as it was: the answer must be the same transfer, nothing may change. */
  void submitDuplicate() {
    if (!recordsInOrder.isEmpty()) {
      ClientRecord record = recordsInOrder.get(random.nextInt(recordsInOrder.size()));
      send(record, record.request);
    }
  }

  /** Submits an acknowledged transfer's id with other terms: it must be refused. */
  void submitReusedId() {
    List<ClientRecord> acknowledged = recordsInOrder.stream().filter(record -> record.acknowledged).toList();
    if (!acknowledged.isEmpty()) {
      ClientRecord record = acknowledged.get(random.nextInt(acknowledged.size()));
      SubmitRequest original = record.request;
      Money other = new Money(original.amount().amount().add(BigDecimal.ONE.movePointLeft(
          original.amount().currency().scale())), original.amount().currency());
      send(record, new SubmitRequest(original.transferId(), original.consumer(), original.payer(), original.payee(),
          other));
    }
  }

  private void send(ClientRecord record, SubmitRequest request) {
    record.submits++;
    world.submit(record.producer, request);
    if (request.equals(record.request) && !record.answered()) {
      world.scheduler().after(random.nextLong(RETRY_TICKS_MIN, RETRY_TICKS_MAX + 1), () -> {
        if (!record.answered()) {
          send(record, record.request);
        }
      });
    }
  }

  void onReply(SubmitRequest request, SubmitDecision decision) {
    ClientRecord record = records.get(request.transferId());
    if (record == null) {
      world.violation("client got an answer for transfer " + request.transferId() + " it never submitted");
      return;
    }
    boolean wasAnswered = record.answered();
    if (request.equals(record.request)) {
      onOriginalReply(record, decision);
    } else if (!(decision instanceof SubmitDecision.Refused refused
        && refused.refusal().code() == Refusal.Code.TRANSFER_ID_REUSED)) {
      world.violation("transfer " + record.id + " resubmitted with other terms was not refused as a reused id: "
          + decision);
    }
    if (!wasAnswered && record.answered()) {
      unanswered--;
    }
  }

  private void onOriginalReply(ClientRecord record, SubmitDecision decision) {
    switch (decision) {
      case SubmitDecision.Accepted accepted -> acknowledge(record, accepted.transfer());
      case SubmitDecision.RejectedAtOnce rejected -> acknowledge(record, rejected.transfer());
      case SubmitDecision.Existing existing -> acknowledge(record, existing.transfer());
      case SubmitDecision.Refused refused -> {
        Refusal refusal = refused.refusal();
        if (refusal.code() != record.expectedRefusal) {
          world.violation("transfer " + record.id + " was refused with " + refusal.code() + " (" + refusal.message()
              + "), expected " + (record.expectedRefusal == null ? "no refusal" : record.expectedRefusal));
        }
        if (record.acknowledged) {
          world.violation("transfer " + record.id + " was acknowledged, then refused with " + refusal.code());
        }
        record.refusedWith = refusal.code();
      }
    }
  }

  private void acknowledge(ClientRecord record, ProducerTransfer transfer) {
    if (record.refusedWith != null) {
      world.violation("transfer " + record.id + " was refused with " + record.refusedWith + ", then acknowledged");
    }
    if (!transfer.terms().equals(record.request.termsAt(record.producer))) {
      world.violation("transfer " + record.id + " acknowledged with other terms than submitted: " + transfer.terms());
    }
    record.acknowledged = true;
    if (transfer.sent()) {
      record.sent = true;
    } else {
      record.rejectedAtOnce = transfer.cause();
    }
    if (record.sent && record.rejectedAtOnce != null) {
      world.violation("transfer " + record.id + " was acknowledged both as sent and as rejected at once");
    }
  }

  /** A v7-style id: the simulated time in the high bits, the seed's randomness in the rest. */
  private UUID newTransferId() {
    long millis = world.clockMillis();
    long high = (millis << 16) | 0x7000L | random.nextLong(0x1000);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }

  private SubmitRequest newRequest(UUID id, Scenario.Participant producer) {
    Scenario.Participant consumer = scenario.consumers().get(random.nextInt(scenario.consumers().size()));
    Account payer = pick(producer.accounts(), account -> !account.closed() && account.currency() == Currency.EUR);
    Account payee = pick(consumer.accounts(), account -> !account.closed() && account.currency() == Currency.EUR);
    String consumerName = consumer.name();
    String payerId = payer.id();
    String payeeId = payee.id();
    Money amount = eur(Scenario.cents(random, 1, 15_000));
    int shape = random.nextInt(100);
    if (shape < 4) {
      consumerName = UNKNOWN_CONSUMER;
    } else if (shape < 8) {
      payerId = UNKNOWN_ACCOUNT;
    } else if (shape < 11) {
      payerId = pick(producer.accounts(), account -> account.currency() == Currency.USD).id();
    } else if (shape < 16) {
      payerId = pick(producer.accounts(), Account::closed).id();
    } else if (shape < 21) {
      amount = eur(payer.balance().add(Scenario.cents(random, 1, 10_000)));
    } else if (shape < 28) {
      payeeId = UNKNOWN_ACCOUNT;
    } else if (shape < 33) {
      payeeId = pick(consumer.accounts(), Account::closed).id();
    } else if (shape < 37) {
      payeeId = pick(consumer.accounts(), account -> account.currency() == Currency.USD).id();
    }
    return new SubmitRequest(id, consumerName, payerId, payeeId, amount);
  }

  /** The refusal the producer must answer with, from what the client knows of the scenario. */
  private Refusal.Code expectedRefusal(SubmitRequest request, Scenario.Participant producer) {
    if (scenario.consumers().stream().noneMatch(consumer -> consumer.name().equals(request.consumer()))) {
      return Refusal.Code.UNKNOWN_PARTICIPANT;
    }
    Account payer = producer.accounts().stream()
        .filter(account -> account.id().equals(request.payer())).findFirst().orElse(null);
    if (payer == null) {
      return Refusal.Code.UNKNOWN_ACCOUNT;
    }
    if (payer.currency() != request.amount().currency()) {
      return Refusal.Code.CURRENCY_MISMATCH;
    }
    return null;
  }

  private Account pick(List<Account> accounts, java.util.function.Predicate<Account> filter) {
    List<Account> matching = accounts.stream().filter(filter).toList();
    return matching.get(random.nextInt(matching.size()));
  }

  private static Money eur(BigDecimal amount) {
    return new Money(amount.setScale(Currency.EUR.scale()), Currency.EUR);
  }
}

package io.natsbank.node;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerCore.ResponseDecision;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * A producer instance without threads: each call takes one batch, runs the core on it inside one
 * store transaction, commits, then hands the resulting messages to the outbox. Runtimes (threads
 * and NATS in production, a simulated scheduler in tests) decide when to call it.
 */
public final class ProducerNode {
  private final ProducerCore core;
  private final ProducerStore store;
  private final Outbox outbox;
  private final LongSupplier clockMillis;
  private final RandomGenerator random;
  private final NodeEvents events;

  public ProducerNode(ProducerCore core, ProducerStore store, Outbox outbox, LongSupplier clockMillis,
      RandomGenerator random, NodeEvents events) {
    this.core = core;
    this.store = store;
    this.outbox = outbox;
    this.clockMillis = clockMillis;
    this.random = random;
    this.events = events;
  }

  public String name() {
    return core.settings().self();
  }

  private record Result<T>(T value, List<? extends ProtocolMessage> toSend) {}

  /** Decides a batch of submits; the answers come back in request order, after the commit. */
  public List<SubmitDecision> submit(List<SubmitRequest> requests) {
    long startedNanos = System.nanoTime();
    Result<List<SubmitDecision>> result = store.inTransaction(tx -> submitInTransaction(tx, requests));
    events.committed("submit", requests.size(), System.nanoTime() - startedNanos);
    for (int i = 0; i < requests.size(); i++) {
      events.decided(requests.get(i), result.value().get(i));
    }
    outbox.sendAll(result.toSend());
    return result.value();
  }

  private Result<List<SubmitDecision>> submitInTransaction(ProducerStore.Tx tx, List<SubmitRequest> requests) {
    TreeSet<UUID> ids = new TreeSet<>();
    TreeSet<String> payers = new TreeSet<>();
    for (SubmitRequest request : requests) {
      ids.add(request.transferId());
      payers.add(request.payer());
    }
    ProducerStore.Locked locked = tx.lockForSubmits(ids, payers);
    Map<UUID, ProducerTransfer> transfers = new HashMap<>(locked.transfers());
    Map<String, Account> accounts = new HashMap<>(locked.accounts());
    long now = clockMillis.getAsLong();
    List<SubmitDecision> decisions = new ArrayList<>(requests.size());
    List<ProducerTransfer> inserts = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    List<Posting> postings = new ArrayList<>();
    for (SubmitRequest request : requests) {
      SubmitDecision decision = core.onSubmit(
          request, transfers.get(request.transferId()), accounts.get(request.payer()), now, random);
      decisions.add(decision);
      switch (decision) {
        case SubmitDecision.Accepted accepted -> {
          transfers.put(request.transferId(), accepted.transfer());
          accounts.put(request.payer(), accepted.payerAfter());
          inserts.add(accepted.transfer());
          entries.add(accepted.debit());
          postings.add(accepted.posting());
        }
        case SubmitDecision.RejectedAtOnce rejected -> {
          transfers.put(request.transferId(), rejected.transfer());
          inserts.add(rejected.transfer());
        }
        case SubmitDecision.Refused refused -> events.refused("submit", request.transferId(), refused.refusal());
        case SubmitDecision.Existing existing -> { }
      }
    }
    tx.insert(inserts);
    tx.applyEntries(entries);
    return new Result<>(decisions, postings);
  }

  /**
   * Applies a batch of responses; confirms go out after the commit. Returns the decisions in response
   * order, so that a runtime can see which transfers this batch finished (flow control counts them).
   */
  public List<ResponseDecision> onResponses(List<Response> responses) {
    long startedNanos = System.nanoTime();
    Result<List<ResponseDecision>> result = store.inTransaction(tx -> responsesInTransaction(tx, responses));
    events.committed("responses", responses.size(), System.nanoTime() - startedNanos);
    for (int i = 0; i < responses.size(); i++) {
      events.decided(responses.get(i), result.value().get(i));
    }
    outbox.sendAll(result.toSend());
    return result.value();
  }

  private Result<List<ResponseDecision>> responsesInTransaction(ProducerStore.Tx tx, List<Response> responses) {
    TreeSet<UUID> ids = new TreeSet<>();
    responses.forEach(response -> ids.add(response.transferId()));
    Map<UUID, ProducerTransfer> transfers = new HashMap<>(tx.findForUpdate(ids));
    long now = clockMillis.getAsLong();
    Changes<UUID, ProducerTransfer> changes = new Changes<>();
    List<Entry> entries = new ArrayList<>();
    List<ProtocolMessage> confirms = new ArrayList<>();
    List<ResponseDecision> decisions = new ArrayList<>(responses.size());
    for (Response response : responses) {
      ResponseDecision decision = core.onResponse(response, transfers.get(response.transferId()), now);
      decisions.add(decision);
      switch (decision) {
        case ResponseDecision.Acked acked -> {
          transfers.put(acked.transfer().id(), acked.transfer());
          changes.update(acked.transfer().id(), acked.transfer());
        }
        case ResponseDecision.Applied applied -> {
          transfers.put(applied.transfer().id(), applied.transfer());
          changes.update(applied.transfer().id(), applied.transfer());
          if (applied.refund() != null) {
            entries.add(applied.refund());
          }
          confirms.add(applied.confirm());
        }
        case ResponseDecision.Reconfirm reconfirm -> confirms.add(reconfirm.confirm());
        case ResponseDecision.Refused refused -> events.refused("response", response.transferId(), refused.refusal());
        case ResponseDecision.Ignored ignored -> { }
      }
    }
    tx.update(changes.updated());
    tx.applyEntries(entries);
    return new Result<>(decisions, confirms);
  }

  /** Re-sends up to {@code limit} postings that are due; returns how many were claimed. */
  public int resendDue(int limit) {
    Result<Integer> result = store.inTransaction(tx -> {
      long now = clockMillis.getAsLong();
      List<ProducerTransfer> due = tx.claimDue(now, limit);
      List<ProducerTransfer> updates = new ArrayList<>(due.size());
      List<Posting> postings = new ArrayList<>(due.size());
      for (ProducerTransfer transfer : due) {
        ProducerCore.Resend resend = core.onResendDue(transfer, now, random);
        updates.add(resend.transfer());
        postings.add(resend.posting());
      }
      tx.update(updates);
      return new Result<>(due.size(), postings);
    });
    outbox.sendAll(result.toSend());
    return result.value();
  }

  public Optional<ProducerTransfer> status(UUID id) {
    return store.find(id);
  }
}

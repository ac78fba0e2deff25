package io.natsbank.node;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ConsumerCore.ConfirmDecision;
import io.natsbank.protocol.ConsumerCore.PostingDecision;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Response;
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
 * A consumer instance without threads: each call takes one batch of postings and confirms, runs the
 * core on it in one store transaction, commits, then sends the responses.
 */
public final class ConsumerNode {
  private final ConsumerCore core;
  private final ConsumerStore store;
  private final Outbox outbox;
  private final LongSupplier clockMillis;
  private final RandomGenerator random;
  private final NodeEvents events;

  public ConsumerNode(ConsumerCore core, ConsumerStore store, Outbox outbox, LongSupplier clockMillis,
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

  /** {@code reports} tell the events what was decided, once the transaction has committed. */
  private record Result(List<Response> toSend, List<Runnable> reports) {}

  /** Handles a batch of postings and confirms, in arrival order. Other kinds are refused by the caller. */
  public void onMessages(List<ProtocolMessage> messages) {
    long startedNanos = System.nanoTime();
    Result result = store.inTransaction(tx -> inTransaction(tx, messages));
    events.committed(allConfirms(messages) ? "confirms" : "postings", messages.size(), System.nanoTime() - startedNanos);
    result.reports().forEach(Runnable::run);
    outbox.sendAll(result.toSend());
  }

  private static boolean allConfirms(List<ProtocolMessage> messages) {
    for (ProtocolMessage message : messages) {
      if (!(message instanceof Confirm)) {
        return false;
      }
    }
    return true;
  }

  private Result inTransaction(ConsumerStore.Tx tx, List<ProtocolMessage> messages) {
    TreeSet<UUID> ids = new TreeSet<>();
    TreeSet<UUID> postingIds = new TreeSet<>();
    TreeSet<String> payees = new TreeSet<>();
    for (ProtocolMessage message : messages) {
      ids.add(message.transferId());
      if (message instanceof Posting posting) {
        postingIds.add(posting.transferId());
        payees.add(posting.terms().payee());
      }
    }
    ConsumerStore.Found found = tx.lockForDecisions(postingIds, ids, payees);
    Map<UUID, ConsumerPosting> decisions = new HashMap<>(found.decisions());
    Map<String, Account> accounts = found.accounts();
    long now = clockMillis.getAsLong();
    Changes<UUID, ConsumerPosting> changes = new Changes<>();
    List<Entry> entries = new ArrayList<>();
    List<Response> responses = new ArrayList<>();
    List<Runnable> reports = new ArrayList<>(messages.size());
    for (ProtocolMessage message : messages) {
      switch (message) {
        case Posting posting -> {
          PostingDecision decision = onPosting(posting, decisions, accounts, now, changes, entries, responses);
          reports.add(() -> events.decided(posting, decision));
        }
        case Confirm confirm -> {
          ConfirmDecision decision = onConfirm(confirm, decisions, now, changes);
          reports.add(() -> events.decided(confirm, decision));
        }
        case Response response -> events.refused("posting", response.transferId(),
            new io.natsbank.protocol.Refusal(io.natsbank.protocol.Refusal.Code.UNKNOWN_KIND,
                "a consumer does not take responses"));
      }
    }
    tx.insert(changes.inserted());
    tx.update(changes.updated());
    tx.applyEntries(entries);
    return new Result(responses, reports);
  }

  private PostingDecision onPosting(Posting posting, Map<UUID, ConsumerPosting> decisions, Map<String, Account> accounts,
      long now, Changes<UUID, ConsumerPosting> changes, List<Entry> entries, List<Response> responses) {
    PostingDecision decision = core.onPosting(
        posting, decisions.get(posting.transferId()), accounts.get(posting.terms().payee()), now, random);
    switch (decision) {
      case PostingDecision.Decided decided -> {
        decisions.put(posting.transferId(), decided.posting());
        changes.insert(posting.transferId(), decided.posting());
        if (decided.credit() != null) {
          entries.add(decided.credit());
        }
        responses.add(decided.response());
      }
      case PostingDecision.Duplicate duplicate -> responses.add(duplicate.response());
      case PostingDecision.Refused refused -> events.refused("posting", posting.transferId(), refused.refusal());
    }
    return decision;
  }

  private ConfirmDecision onConfirm(Confirm confirm, Map<UUID, ConsumerPosting> decisions, long now,
      Changes<UUID, ConsumerPosting> changes) {
    ConfirmDecision decision = core.onConfirm(confirm, decisions.get(confirm.transferId()), now);
    switch (decision) {
      case ConfirmDecision.Confirmed confirmed -> {
        decisions.put(confirm.transferId(), confirmed.posting());
        changes.update(confirm.transferId(), confirmed.posting());
      }
      case ConfirmDecision.Refused refused -> events.refused("confirm", confirm.transferId(), refused.refusal());
      case ConfirmDecision.AlreadyConfirmed already -> { }
    }
    return decision;
  }

  /** Re-sends up to {@code limit} responses that are due; returns how many were claimed. */
  public int resendDue(int limit) {
    List<Response> toSend = store.inTransaction(tx -> {
      long now = clockMillis.getAsLong();
      List<ConsumerPosting> due = tx.claimDue(now, limit);
      List<ConsumerPosting> updates = new ArrayList<>(due.size());
      List<Response> responses = new ArrayList<>(due.size());
      for (ConsumerPosting posting : due) {
        ConsumerCore.Resend resend = core.onResendDue(posting, now, random);
        updates.add(resend.posting());
        responses.add(resend.response());
      }
      tx.update(updates);
      return responses;
    });
    outbox.sendAll(toSend);
    return toSend.size();
  }

  public Optional<ConsumerPosting> status(UUID id) {
    return store.find(id);
  }
}

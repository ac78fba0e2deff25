package io.natsbank.simulation;

import static org.junit.jupiter.api.Assertions.fail;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.ProducerStore;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.TransferStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The checker can fail: each test plants one known bug in a core or a store and requires the
 * simulation to report a violation within {@link #SEEDS_MAX} seeds. A checker that never fails
 * proves nothing.
 */
class PlantedBugsTest {
  static final int SEEDS_MAX = 200;

  @Test
  void consumerDecidingADuplicatePostingAgainIsCaught() {
    expectCaught("duplicate posting decided twice",
        Simulation.Wiring.REAL.withConsumerCores(DecidesDuplicatesAgain::new));
  }

  @Test
  void producerSkippingTheRefundOnRejectedIsCaught() {
    expectCaught("refund skipped", Simulation.Wiring.REAL.withProducerCores(SkipsRefund::new));
  }

  @Test
  void producerConfirmingBeforeItsOutcomeIsCommittedIsCaught() {
    expectCaught("confirm before outcome committed",
        Simulation.Wiring.REAL.withProducerCores(ConfirmsWithoutApplying::new));
  }

  @Test
  void consumerForgettingToResendResponsesIsCaught() {
    expectCaught("responses never re-sent", Simulation.Wiring.REAL.withConsumerStores(NeverDue::new));
  }

  @Test
  void producerForgettingToResendPostingsIsCaught() {
    expectCaught("postings never re-sent", Simulation.Wiring.REAL.withProducerStores(NeverDueProducer::new));
  }

  @Test
  void producerChangingADecisionIsCaught() {
    expectCaught("decision changed", Simulation.Wiring.REAL.withProducerCores(FlipsFinalOutcome::new));
  }

  @Test
  void producerApplyingTheOppositeOutcomeIsCaught() {
    expectCaught("opposite outcome applied", Simulation.Wiring.REAL.withProducerCores(AppliesOppositeOutcome::new));
  }

  private static void expectCaught(String bug, Simulation.Wiring wiring) {
    for (long seed = 0; seed < SEEDS_MAX; seed++) {
      Simulation.Result result = Simulation.run(seed, wiring);
      if (!result.clean()) {
        System.out.println("planted bug '" + bug + "' caught at seed " + seed + ": " + result.violations().get(0));
        return;
      }
    }
    fail("planted bug '" + bug + "' was not caught in " + SEEDS_MAX + " seeds");
  }

  /** Decides a posting it has seen before as if it were new: a second decision, a second credit. */
  static final class DecidesDuplicatesAgain extends ConsumerCore {
    DecidesDuplicatesAgain(Settings settings) {
      super(settings);
    }

    @Override
    public PostingDecision onPosting(Posting posting, ConsumerPosting existing, Account payee, long nowMillis,
        RandomGenerator random) {
      PostingDecision decision = super.onPosting(posting, existing, payee, nowMillis, random);
      return decision instanceof PostingDecision.Duplicate ? decide(posting, payee, nowMillis, random) : decision;
    }
  }

  /** Applies REJECTED without giving the payer the money back. */
  static final class SkipsRefund extends ProducerCore {
    SkipsRefund(Settings settings) {
      super(settings);
    }

    @Override
    protected ResponseDecision applyOutcome(Response response, ProducerTransfer transfer,
        io.natsbank.protocol.Confirm confirm, long nowMillis) {
      ResponseDecision decision = super.applyOutcome(response, transfer, confirm, nowMillis);
      if (decision instanceof ResponseDecision.Applied applied) {
        return new ResponseDecision.Applied(applied.transfer(), null, applied.confirm());
      }
      return decision;
    }
  }

  /** Sends the confirm for a first outcome but stores nothing: the consumer stops while the producer waits. */
  static final class ConfirmsWithoutApplying extends ProducerCore {
    ConfirmsWithoutApplying(Settings settings) {
      super(settings);
    }

    @Override
    public ResponseDecision onResponse(Response response, ProducerTransfer transfer, long nowMillis) {
      ResponseDecision decision = super.onResponse(response, transfer, nowMillis);
      if (decision instanceof ResponseDecision.Applied applied) {
        return new ResponseDecision.Reconfirm(applied.confirm());
      }
      return decision;
    }
  }

  /** Answers a response for a transfer already final by deciding it again, the other way. */
  static final class FlipsFinalOutcome extends ProducerCore {
    FlipsFinalOutcome(Settings settings) {
      super(settings);
    }

    @Override
    public ResponseDecision onResponse(Response response, ProducerTransfer transfer, long nowMillis) {
      ResponseDecision decision = super.onResponse(response, transfer, nowMillis);
      if (decision instanceof ResponseDecision.Reconfirm reconfirm) {
        return new ResponseDecision.Applied(flipped(transfer), null, reconfirm.confirm());
      }
      return decision;
    }
  }

  /** Applies OK when the consumer said REJECTED, and the other way round. */
  static final class AppliesOppositeOutcome extends ProducerCore {
    AppliesOppositeOutcome(Settings settings) {
      super(settings);
    }

    @Override
    protected ResponseDecision applyOutcome(Response response, ProducerTransfer transfer,
        io.natsbank.protocol.Confirm confirm, long nowMillis) {
      ResponseDecision decision = super.applyOutcome(response, transfer, confirm, nowMillis);
      if (decision instanceof ResponseDecision.Applied applied) {
        return new ResponseDecision.Applied(flipped(applied.transfer()), null, applied.confirm());
      }
      return decision;
    }
  }

  static ProducerTransfer flipped(ProducerTransfer transfer) {
    boolean wasOk = transfer.status() == TransferStatus.OK;
    return new ProducerTransfer(transfer.id(), transfer.terms(), wasOk ? TransferStatus.REJECTED : TransferStatus.OK,
        wasOk ? RejectCause.OVER_LIMIT : null, wasOk ? "flipped" : null, transfer.sent(), transfer.attempts(),
        transfer.nextAttemptAtMillis(), transfer.createdAtMillis(), Math.max(1, transfer.finishedAtMillis()));
  }

  /** A producer store whose re-send scan never finds anything: a posting lost is never sent again. */
  static final class NeverDueProducer implements ProducerStore {
    private final ProducerStore delegate;

    NeverDueProducer(ProducerStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(TransactionWork<Tx, T> work) {
      return delegate.inTransaction(tx -> work.run(new Tx() {
        @Override
        public void lockTransferIds(Collection<UUID> ids) {
          tx.lockTransferIds(ids);
        }

        @Override
        public Map<UUID, ProducerTransfer> findForUpdate(Collection<UUID> ids) {
          return tx.findForUpdate(ids);
        }

        @Override
        public Map<String, Account> lockAccounts(Collection<String> ids) {
          return tx.lockAccounts(ids);
        }

        @Override
        public List<ProducerTransfer> claimDue(long nowMillis, int limit) {
          return List.of();
        }

        @Override
        public void insert(Collection<ProducerTransfer> transfers) {
          tx.insert(transfers);
        }

        @Override
        public void update(Collection<ProducerTransfer> transfers) {
          tx.update(transfers);
        }

        @Override
        public void applyEntries(Collection<io.natsbank.protocol.Entry> entries) {
          tx.applyEntries(entries);
        }
      }));
    }

    @Override
    public Optional<ProducerTransfer> find(UUID id) {
      return delegate.find(id);
    }

    @Override
    public long unfinishedCount() {
      return delegate.unfinishedCount();
    }
  }

  /** A consumer store whose re-send scan never finds anything: responses are sent once, never again. */
  static final class NeverDue implements ConsumerStore {
    private final ConsumerStore delegate;

    NeverDue(ConsumerStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(TransactionWork<Tx, T> work) {
      return delegate.inTransaction(tx -> work.run(new Tx() {
        @Override
        public void lockTransferIds(Collection<UUID> ids) {
          tx.lockTransferIds(ids);
        }

        @Override
        public Map<UUID, ConsumerPosting> findForUpdate(Collection<UUID> ids) {
          return tx.findForUpdate(ids);
        }

        @Override
        public Map<String, Account> findAccounts(Collection<String> ids) {
          return tx.findAccounts(ids);
        }

        @Override
        public List<ConsumerPosting> claimDue(long nowMillis, int limit) {
          return List.of();
        }

        @Override
        public void insert(Collection<ConsumerPosting> postings) {
          tx.insert(postings);
        }

        @Override
        public void update(Collection<ConsumerPosting> postings) {
          tx.update(postings);
        }

        @Override
        public void applyEntries(Collection<io.natsbank.protocol.Entry> entries) {
          tx.applyEntries(entries);
        }
      }));
    }

    @Override
    public Optional<ConsumerPosting> find(UUID id) {
      return delegate.find(id);
    }
  }

}

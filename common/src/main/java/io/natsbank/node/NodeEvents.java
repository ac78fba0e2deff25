package io.natsbank.node;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore.ConfirmDecision;
import io.natsbank.protocol.ConsumerCore.PostingDecision;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore.ResponseDecision;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import java.util.UUID;

/**
 * What a node reports besides its results: refusals, batch figures, and what the core decided for
 * each message. Metrics, traces and logs hang here; every method but {@link #refused} does nothing
 * unless overridden.
 *
 * <p>A batch is reported in this order, on the thread that ran it: {@link #committed} once the
 * transaction has committed, then one {@code decided} per message in batch order, then the messages
 * go to the outbox. A transaction that fails reports no decision.
 */
public interface NodeEvents {
  /** A message or request was refused; {@code transferId} may be null when it could not be read. */
  void refused(String what, UUID transferId, Refusal refusal);

  /** A batch of {@code size} items committed in one transaction. */
  default void committed(String what, int size) {}

  /**
   * A batch of {@code size} items committed in one transaction, which took {@code elapsedNanos} from
   * its start to its commit (retries after a deadlock included). Calls {@link #committed(String, int)}
   * unless overridden.
   */
  default void committed(String what, int size, long elapsedNanos) {
    committed(what, size);
  }

  /** A submit request, and what the producer core decided for it (committed). */
  default void decided(SubmitRequest request, SubmitDecision decision) {}

  /** A response, and what the producer core decided for it (committed). */
  default void decided(Response response, ResponseDecision decision) {}

  /** A posting, and what the consumer core decided for it (committed). */
  default void decided(Posting posting, PostingDecision decision) {}

  /** A confirm, and what the consumer core decided for it (committed). */
  default void decided(Confirm confirm, ConfirmDecision decision) {}

  NodeEvents NONE = (what, transferId, refusal) -> {};
}

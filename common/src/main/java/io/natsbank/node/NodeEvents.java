package io.natsbank.node;

import io.natsbank.protocol.Refusal;
import java.util.UUID;

/** What a node reports besides its results: refusals and batch figures. Metrics and logs hang here. */
public interface NodeEvents {
  /** A message or request was refused; {@code transferId} may be null when it could not be read. */
  void refused(String what, UUID transferId, Refusal refusal);

  /** A batch of {@code size} items committed in one transaction. */
  default void committed(String what, int size) {}

  NodeEvents NONE = (what, transferId, refusal) -> {};
}

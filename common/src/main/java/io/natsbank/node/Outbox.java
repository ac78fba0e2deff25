package io.natsbank.node;

import io.natsbank.protocol.ProtocolMessage;
import java.util.List;

/** Where a node sends protocol messages after its transaction commits. Best effort: loss is expected. */
@FunctionalInterface
public interface Outbox {
  void send(ProtocolMessage message);

  /**
   * Sends what one committed batch produced, in order. An outbox that can carry several messages at
   * once (in NATS frames) overrides this; by default each goes alone.
   */
  default void sendAll(List<? extends ProtocolMessage> messages) {
    messages.forEach(this::send);
  }
}

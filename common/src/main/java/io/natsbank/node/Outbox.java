package io.natsbank.node;

import io.natsbank.protocol.ProtocolMessage;

/** Where a node sends protocol messages after its transaction commits. Best effort: loss is expected. */
@FunctionalInterface
public interface Outbox {
  void send(ProtocolMessage message);
}

package io.natsbank.node;

import io.natsbank.protocol.ProtocolMessage;
import java.util.List;

/**
 * Where a node sends the protocol messages one committed batch produced, in order, all at once (a
 * transport may carry several in one NATS message). Best effort: loss is expected.
 */
@FunctionalInterface
public interface Outbox {
  void sendAll(List<? extends ProtocolMessage> messages);
}

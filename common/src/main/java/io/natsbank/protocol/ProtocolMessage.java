package io.natsbank.protocol;

import java.util.UUID;

/** The three messages of the protocol. Every message names its transfer, producer and consumer. */
public sealed interface ProtocolMessage permits Posting, Response, Confirm {
  UUID transferId();

  String producer();

  String consumer();
}

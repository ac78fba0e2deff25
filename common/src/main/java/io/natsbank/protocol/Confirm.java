package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/** Phase 3, producer to consumer: I have applied this final outcome; stop re-sending it. */
public record Confirm(UUID transferId, String producer, String consumer, Outcome outcome)
    implements ProtocolMessage {
  public Confirm {
    Objects.requireNonNull(transferId, "transferId");
    Names.participant("producer", producer);
    Names.participant("consumer", consumer);
    Objects.requireNonNull(outcome, "outcome");
    if (!outcome.isFinal()) {
      throw new IllegalArgumentException("only a final outcome can be confirmed, got " + outcome);
    }
  }
}

package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * Phase 2, consumer to producer: the decision (or ACK while undecided). Re-sent until confirmed.
 * A REJECTED response carries a cause and a human-readable reason; other outcomes carry neither.
 */
public record Response(
    UUID transferId,
    String producer,
    String consumer,
    Outcome outcome,
    RejectCause cause,
    String reason,
    int attempt)
    implements ProtocolMessage {

  /** The longest reason text carried on the wire, in characters. */
  public static final int REASON_LENGTH_MAX = 200;

  public Response {
    Objects.requireNonNull(transferId, "transferId");
    Names.participant("producer", producer);
    Names.participant("consumer", consumer);
    Objects.requireNonNull(outcome, "outcome");
    if ((outcome == Outcome.REJECTED) != (cause != null)) {
      throw new IllegalArgumentException("cause is required for REJECTED and only for REJECTED, outcome " + outcome);
    }
    if (reason != null && outcome != Outcome.REJECTED) {
      throw new IllegalArgumentException("reason is only carried by REJECTED, outcome " + outcome);
    }
    if (reason != null && reason.length() > REASON_LENGTH_MAX) {
      throw new IllegalArgumentException("reason is longer than " + REASON_LENGTH_MAX + " characters");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }
}

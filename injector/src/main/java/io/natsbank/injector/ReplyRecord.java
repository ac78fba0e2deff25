package io.natsbank.injector;

import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.TransferStatus;
import java.util.Objects;
import java.util.UUID;

/**
 * What a producer answered about one submitted transfer: to a submit (ACCEPTED, DUPLICATE, REFUSED)
 * or to a later status query (FOUND). {@code state} is the transfer's state in the reply, if any.
 */
public record ReplyRecord(UUID id, Result result, TransferStatus state, Refusal.Code refusedCode, int attempts) {
  public ReplyRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(result, "result");
    if ((result == Result.REFUSED) != (refusedCode != null)) {
      throw new IllegalArgumentException("refusedCode is required for REFUSED and only for REFUSED");
    }
  }

  /** Whether the producer has taken the transfer: from then on it must reach a final outcome. */
  public boolean acknowledged() {
    return result == Result.ACCEPTED || result == Result.DUPLICATE;
  }
}

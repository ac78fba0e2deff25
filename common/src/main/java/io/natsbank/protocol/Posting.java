package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/** Phase 1, producer to consumer: please apply this transfer. Re-sent until answered. */
public record Posting(UUID transferId, TransferTerms terms, int attempt) implements ProtocolMessage {
  public Posting {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(terms, "terms");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }

  @Override
  public String producer() {
    return terms.producer();
  }

  @Override
  public String consumer() {
    return terms.consumer();
  }
}

package io.natsbank.protocol;

/** The producer's view of a transfer. PENDING and ACKED are re-sent; OK and REJECTED are final. */
public enum TransferStatus {
  PENDING,
  ACKED,
  OK,
  REJECTED;

  public boolean isFinal() {
    return this == OK || this == REJECTED;
  }

  public static TransferStatus of(Outcome outcome) {
    return switch (outcome) {
      case ACK -> ACKED;
      case OK -> OK;
      case REJECTED -> REJECTED;
    };
  }
}

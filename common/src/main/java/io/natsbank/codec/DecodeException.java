package io.natsbank.codec;

import io.natsbank.protocol.Refusal;
import java.util.UUID;

/** Bytes that are not an acceptable message; carries the refusal and, when readable, the transfer id. */
public final class DecodeException extends Exception {
  private final Refusal refusal;
  private final UUID transferId;

  public DecodeException(Refusal refusal, UUID transferId) {
    super(refusal.code() + ": " + refusal.message(), null, false, false);
    this.refusal = refusal;
    this.transferId = transferId;
  }

  public Refusal refusal() {
    return refusal;
  }

  /** The transfer id if the message had a readable one, else null. */
  public UUID transferId() {
    return transferId;
  }
}

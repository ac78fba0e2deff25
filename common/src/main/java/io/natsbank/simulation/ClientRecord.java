package io.natsbank.simulation;

import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import java.util.Objects;
import java.util.UUID;

/**
 * What the client knows of one transfer it submitted, independently of every store: where it sent
 * it, what it asked, and what the system answered. "Acknowledged" means the system said it holds the
 * transfer (accepted, rejected at once, or the existing one): such a transfer must never be lost.
 */
final class ClientRecord {
  final UUID id;
  final String producer;
  final SubmitRequest request;
  /** The refusal the client expects from what it knows of the accounts, or null. */
  final Refusal.Code expectedRefusal;
  boolean acknowledged;
  boolean sent;
  RejectCause rejectedAtOnce;
  Refusal.Code refusedWith;
  int submits;

  ClientRecord(String producer, SubmitRequest request, Refusal.Code expectedRefusal) {
    this.id = request.transferId();
    this.producer = Objects.requireNonNull(producer, "producer");
    this.request = request;
    this.expectedRefusal = expectedRefusal;
  }

  boolean answered() {
    return acknowledged || refusedWith != null;
  }
}

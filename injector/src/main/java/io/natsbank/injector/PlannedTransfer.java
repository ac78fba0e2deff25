package io.natsbank.injector;

import io.natsbank.protocol.Names;
import io.natsbank.protocol.SubmitRequest;
import java.util.Objects;

/** One transfer the injector means to submit: to which producer, what, and what it is meant to exercise. */
public record PlannedTransfer(String producer, SubmitRequest request, Intent intent) {
  public PlannedTransfer {
    Names.participant("producer", producer);
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(intent, "intent");
  }
}

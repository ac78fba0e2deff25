package io.natsbank.telemetry;

import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A message waiting in a queue with the span of its reception (a no-op span when tracing is off);
 * the span ends when the batch that handles the message is done.
 */
public record Traced<T>(T message, UUID transferId, Span span) {
  public Traced {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(span, "span");
  }

  /** The messages of a batch, in order. */
  public static <T> List<T> messages(List<Traced<T>> batch) {
    List<T> messages = new ArrayList<>(batch.size());
    batch.forEach(traced -> messages.add(traced.message()));
    return messages;
  }
}

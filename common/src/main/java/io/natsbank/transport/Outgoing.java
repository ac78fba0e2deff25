package io.natsbank.transport;

import java.util.Map;
import java.util.Objects;

/** One message to publish: its subject, headers and body. */
public record Outgoing(String subject, Map<String, String> headers, byte[] body) {
  public Outgoing {
    Objects.requireNonNull(subject, "subject");
    headers = headers == null ? Map.of() : headers;
    Objects.requireNonNull(body, "body");
  }
}

package io.natsbank.transport;

import java.util.Map;
import java.util.Objects;

/** One message as it arrives: its subject, where to reply (or null), its headers and body. */
public record Delivery(String subject, String replyTo, Map<String, String> headers, byte[] body) {
  public Delivery {
    Objects.requireNonNull(subject, "subject");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }
}

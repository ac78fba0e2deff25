package io.natsbank.transport;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Names;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Response;

/**
 * The subject scheme, one set per participant:
 * <ul>
 *   <li>{@code <prefix>.postings.<consumer>}: postings and confirms, producer to consumer;
 *   <li>{@code <prefix>.results.<producer>}: responses, consumer to producer;
 *   <li>{@code <prefix>.api.<producer>.submit} and {@code .status}: the producer's request/reply API.
 * </ul>
 */
public record Subjects(String prefix) {
  public static final String DEFAULT_PREFIX = "nb";

  public Subjects {
    if (prefix == null || !prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      throw new IllegalArgumentException("subject prefix must be dot-separated tokens, got '" + prefix + "'");
    }
  }

  public String postings(String consumer) {
    return prefix + ".postings." + Names.participant("consumer", consumer);
  }

  public String results(String producer) {
    return prefix + ".results." + Names.participant("producer", producer);
  }

  public String submit(String producer) {
    return prefix + ".api." + Names.participant("producer", producer) + ".submit";
  }

  public String status(String producer) {
    return prefix + ".api." + Names.participant("producer", producer) + ".status";
  }

  /** Where a protocol message goes: to the consumer for postings and confirms, else to the producer. */
  public String destination(ProtocolMessage message) {
    return switch (message) {
      case Posting posting -> postings(posting.consumer());
      case Confirm confirm -> postings(confirm.consumer());
      case Response response -> results(response.producer());
    };
  }

  /** Whether a subject carries protocol messages (as opposed to the API). */
  public boolean isProtocol(String subject) {
    return subject.startsWith(prefix + ".postings.") || subject.startsWith(prefix + ".results.");
  }
}

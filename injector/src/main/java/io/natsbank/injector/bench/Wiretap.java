package io.natsbank.injector.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import io.natsbank.codec.WireCodec.Kind;
import io.natsbank.transport.Frames;
import io.natsbank.transport.MessageHeaders;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Listens to every protocol message of one subject prefix on its own NATS connection (a plain, not a
 * queue, subscription: the services still get every message) and counts them by kind. It reads only
 * the {@code Nats-Msg-Id} header ({@code <transfer id>:<kind>}), or a frame's {@code Nb-Msg-Id}
 * values ({@link Frames}), never the JSON body, so it stays cheap at tens of thousands of messages a
 * second. Each CONFIRM goes to {@code onConfirm}: a producer
 * publishes it right after committing the transfer's final outcome, so it marks "final at the producer".
 */
final class Wiretap implements AutoCloseable {
  /** What the wiretap may buffer before the client drops (and counts) messages: memory stays bounded. */
  static final long PENDING_MESSAGES_MAX = 1_000_000;
  static final long PENDING_BYTES_MAX = 512L * 1024 * 1024;

  private final Connection connection;
  private final Dispatcher dispatcher;
  private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);
  private final LongAdder unreadable = new LongAdder();
  private final LongAdder natsMessages = new LongAdder();
  private final PerSecond messagesPerSecond;
  private final BiConsumer<UUID, Long> onConfirm;

  /**
   * @param onConfirm hears the transfer id and {@link System#nanoTime()} of every CONFIRM seen (on the
   *     NATS dispatcher thread: it must be quick)
   */
  Wiretap(String natsUrl, String subjectPrefix, PerSecond messagesPerSecond, BiConsumer<UUID, Long> onConfirm)
      throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new LongAdder());
    }
    this.messagesPerSecond = messagesPerSecond;
    this.onConfirm = onConfirm;
    Options options = new Options.Builder()
        .servers(natsUrl.split(","))
        .connectionName("injector-bench-wiretap")
        .maxReconnects(-1)
        .build();
    this.connection = Nats.connect(options);
    this.dispatcher = connection.createDispatcher(this::onMessage);
    dispatcher.setPendingLimits(PENDING_MESSAGES_MAX, PENDING_BYTES_MAX);
    dispatcher.subscribe(subjectPrefix + ".postings.>");
    dispatcher.subscribe(subjectPrefix + ".results.>");
    connection.flush(Duration.ofSeconds(5)); // the subscriptions are in place before any load starts
  }

  private void onMessage(Message message) {
    natsMessages.increment();
    Headers headers = message.getHeaders();
    if (headers != null && headers.containsKey(Frames.FRAME)) {
      List<String> ids = headers.get(Frames.MSG_IDS);
      if (ids == null) {
        unreadable.increment();
        return;
      }
      ids.forEach(this::seen);
    } else {
      seen(headers == null ? null : headers.getFirst(MessageHeaders.MSG_ID));
    }
  }

  /** One protocol message, by its {@code <transfer id>:<kind>}. */
  private void seen(String msgId) {
    int colon = msgId == null ? -1 : msgId.lastIndexOf(':');
    Kind kind = colon < 0 ? null : kindOf(msgId.substring(colon + 1));
    if (kind == null) {
      unreadable.increment();
      return;
    }
    long nowNanos = System.nanoTime();
    counts.get(kind).increment();
    messagesPerSecond.add(nowNanos, 1);
    if (kind == Kind.CONFIRM) {
      try {
        onConfirm.accept(UUID.fromString(msgId.substring(0, colon)), nowNanos);
      } catch (IllegalArgumentException e) {
        unreadable.increment();
      }
    }
  }

  private static Kind kindOf(String text) {
    return switch (text) {
      case "POSTING" -> Kind.POSTING;
      case "RESPONSE" -> Kind.RESPONSE;
      case "CONFIRM" -> Kind.CONFIRM;
      default -> null;
    };
  }

  /** Messages seen so far, by kind. */
  Map<Kind, Long> counts() {
    Map<Kind, Long> snapshot = new EnumMap<>(Kind.class);
    counts.forEach((kind, adder) -> snapshot.put(kind, adder.sum()));
    return snapshot;
  }

  /** NATS messages seen: single protocol messages and frames of several. */
  long natsMessages() {
    return natsMessages.sum();
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Messages without a readable {@code Nats-Msg-Id}: none unless something else publishes on these subjects. */
  long unreadable() {
    return unreadable.sum();
  }

  /** Messages the client dropped because the wiretap fell behind: the counts are then too low. */
  long dropped() {
    return dispatcher.getDroppedCount();
  }

  @Override
  public void close() throws InterruptedException {
    connection.close();
  }
}

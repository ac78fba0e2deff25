package io.natsbank.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several protocol messages to one subject in one NATS message: a <em>frame</em>. A batch commits
 * and then sends tens to hundreds of messages, most of them to the same subject; one NATS message
 * each costs the server, every subscriber's reader and dispatcher, and the sender's writer a
 * message's work and often a thread wake-up each. A frame costs that once.
 *
 * <p>A frame is a NATS message with these headers:
 * <ul>
 *   <li>{@code Nb-Frame}: the number of messages in it, {@code n} (2 to {@value #ENTRIES_MAX});
 *   <li>{@code Nb-Msg-Id}: {@code n} values, the messages' {@code Nats-Msg-Id}s in order;
 *   <li>{@code Nb-Traceparent}: {@code n} values, their {@code traceparent}s in order;
 * </ul>
 * and a body of the {@code n} messages' bodies (compact JSON, which has no raw newline) joined by
 * {@code '\n'}, so a frame reads as text with {@code nats sub}. Messages with other headers, or
 * with a newline in their body, are not framed. A receiver splits a frame back into the deliveries
 * its messages would have been, headers included, so nothing above the transport sees frames; a
 * frame whose parts do not agree is refused whole, and its messages are re-sent like lost ones.
 *
 * <p>The frame header has its own names ({@code Nb-Msg-Id}, not {@code Nats-Msg-Id}), so a
 * JetStream stream never de-duplicates a frame by its first message's id.
 */
public final class Frames {
  public static final String FRAME = "Nb-Frame";
  public static final String MSG_IDS = "Nb-Msg-Id";
  public static final String TRACEPARENTS = "Nb-Traceparent";
  /** The most messages a frame may hold; a receiver refuses larger ones. */
  public static final int ENTRIES_MAX = 1024;
  /** The most body bytes a sender puts in one frame (NATS's default payload limit is 1 MiB). */
  public static final int BODY_BYTES_MAX = 256 * 1024;

  private Frames() {}

  /** What {@link #pack} makes: a message sent alone, or a frame. */
  public sealed interface Packed permits Single, Frame {}

  /** A message sent as it is. */
  public record Single(Outgoing message) implements Packed {}

  /** Headers (some with many values) and body of one frame, for the transport to publish. */
  public record Frame(String subject, int size, Map<String, List<String>> headers, byte[] body) implements Packed {}

  /** A frame that cannot be split: the reason, for the log and the refusal counter. */
  public static final class FrameException extends Exception {
    FrameException(String message) {
      super(message);
    }
  }

  /** Whether {@code message} may travel in a frame: exactly the protocol's two headers, no newline in its body. */
  public static boolean frameable(Outgoing message) {
    Map<String, String> headers = message.headers();
    if (headers.size() != 2 || !headers.containsKey(MessageHeaders.MSG_ID)
        || !headers.containsKey(MessageHeaders.TRACEPARENT)) {
      return false;
    }
    for (byte b : message.body()) {
      if (b == '\n') {
        return false;
      }
    }
    return true;
  }

  /**
   * Groups {@code messages} into what to publish: each element is a message sent alone ({@link Single})
   * or a {@link Frame}. Messages to one subject share frames of at most {@code entriesMax} messages and
   * {@code bodyBytesMax} body bytes, in the order given; a message that is not {@link #frameable}, or
   * the only one of its frame, is sent alone. {@code entriesMax} 1 frames nothing.
   */
  public static List<Packed> pack(List<Outgoing> messages, int entriesMax, int bodyBytesMax) {
    if (entriesMax < 1 || entriesMax > ENTRIES_MAX || bodyBytesMax < 1) {
      throw new IllegalArgumentException("frame limits must be 1.." + ENTRIES_MAX + " messages and positive bytes, got "
          + entriesMax + " and " + bodyBytesMax);
    }
    List<Packed> out = new ArrayList<>();
    Map<String, Group> open = new LinkedHashMap<>();
    for (Outgoing message : messages) {
      if (entriesMax == 1 || !frameable(message)) {
        out.add(new Single(message));
        continue;
      }
      Group group = open.get(message.subject());
      if (group != null && !group.fits(message, entriesMax, bodyBytesMax)) {
        out.add(group.packed());
        group = null;
      }
      if (group == null) {
        group = new Group();
        open.put(message.subject(), group);
      }
      group.add(message);
    }
    open.values().forEach(group -> out.add(group.packed()));
    return out;
  }

  /** Messages to one subject gathered for a frame. */
  private static final class Group {
    private final List<Outgoing> messages = new ArrayList<>();
    private int bodyBytes;

    boolean fits(Outgoing message, int entriesMax, int bodyBytesMax) {
      return messages.size() < entriesMax && bodyBytes + 1 + message.body().length <= bodyBytesMax;
    }

    void add(Outgoing message) {
      bodyBytes += (messages.isEmpty() ? 0 : 1) + message.body().length;
      messages.add(message);
    }

    Packed packed() {
      if (messages.size() == 1) {
        return new Single(messages.get(0));
      }
      List<String> ids = new ArrayList<>(messages.size());
      List<String> traceparents = new ArrayList<>(messages.size());
      byte[] body = new byte[bodyBytes];
      int at = 0;
      for (Outgoing message : messages) {
        ids.add(message.headers().get(MessageHeaders.MSG_ID));
        traceparents.add(message.headers().get(MessageHeaders.TRACEPARENT));
        if (at > 0) {
          body[at++] = '\n';
        }
        System.arraycopy(message.body(), 0, body, at, message.body().length);
        at += message.body().length;
      }
      return new Frame(messages.get(0).subject(), messages.size(),
          Map.of(FRAME, List.of(Integer.toString(messages.size())), MSG_IDS, ids, TRACEPARENTS, traceparents), body);
    }
  }

  /**
   * The deliveries a frame carries, each with the {@code Nats-Msg-Id} and {@code traceparent} it was
   * sent with. Refused whole when the count, the header values and the body's parts disagree.
   */
  public static List<Delivery> split(String subject, Map<String, List<String>> headers, byte[] body)
      throws FrameException {
    List<String> count = headers.get(FRAME);
    int n;
    try {
      n = count == null || count.size() != 1 ? -1 : Integer.parseInt(count.get(0));
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 2 || n > ENTRIES_MAX) {
      throw new FrameException(FRAME + " must be one count from 2 to " + ENTRIES_MAX + ", got " + count);
    }
    List<String> ids = headers.get(MSG_IDS);
    List<String> traceparents = headers.get(TRACEPARENTS);
    if (ids == null || ids.size() != n || traceparents == null || traceparents.size() != n) {
      throw new FrameException("a frame of " + n + " needs " + n + " " + MSG_IDS + " and " + TRACEPARENTS
          + " values, got " + (ids == null ? 0 : ids.size()) + " and "
          + (traceparents == null ? 0 : traceparents.size()));
    }
    List<Delivery> deliveries = new ArrayList<>(n);
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        if (deliveries.size() == n) {
          throw new FrameException("a frame of " + n + " has more than " + n + " lines");
        }
        byte[] part = Arrays.copyOfRange(body, start, i);
        deliveries.add(new Delivery(subject, null, Map.of(MessageHeaders.MSG_ID, ids.get(deliveries.size()),
            MessageHeaders.TRACEPARENT, traceparents.get(deliveries.size())), part));
        start = i + 1;
      }
    }
    if (deliveries.size() != n) {
      throw new FrameException("a frame of " + n + " has " + deliveries.size() + " lines");
    }
    return deliveries;
  }
}

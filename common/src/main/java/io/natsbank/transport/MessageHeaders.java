package io.natsbank.transport;

import io.natsbank.codec.WireCodec;
import io.natsbank.protocol.ProtocolMessage;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Headers carried by every protocol message: {@code Nats-Msg-Id} (transfer id and kind, so that a
 * JetStream stream can de-duplicate) and a W3C {@code traceparent} whose trace id is the transfer id,
 * so that every message of one transfer belongs to one trace whatever process sends it.
 */
public final class MessageHeaders {
  public static final String MSG_ID = "Nats-Msg-Id";
  public static final String TRACEPARENT = "traceparent";

  private MessageHeaders() {}

  public static Map<String, String> forMessage(ProtocolMessage message, RandomGenerator random) {
    return forMessage(message, traceparent(message.transferId(), random.nextLong()));
  }

  /** The headers of {@code message} with a given {@code traceparent}: that of the span that sends it. */
  public static Map<String, String> forMessage(ProtocolMessage message, String traceparent) {
    return Map.of(MSG_ID, msgId(message), TRACEPARENT, traceparent);
  }

  /** {@code <transfer id>:<kind>}. */
  public static String msgId(ProtocolMessage message) {
    return message.transferId() + ":" + WireCodec.kindOf(message);
  }

  /** {@code 00-<trace id = transfer id as 32 hex>-<span id>-01}. */
  public static String traceparent(UUID transferId, long spanId) {
    HexFormat hex = HexFormat.of();
    long span = spanId == 0 ? 1 : spanId;
    return "00-" + hex.toHexDigits(transferId.getMostSignificantBits())
        + hex.toHexDigits(transferId.getLeastSignificantBits()) + "-" + hex.toHexDigits(span) + "-01";
  }
}

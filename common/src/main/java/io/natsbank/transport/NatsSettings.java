package io.natsbank.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach NATS. {@code pendingMessagesMax} bounds what a subscription may buffer before the
 * client drops messages as a slow consumer (the protocol re-sends them); {@code reconnectBufferBytes}
 * bounds what is buffered while disconnected. {@code frameMessagesMax} is the most protocol messages
 * one NATS message carries ({@link Frames}); 1 sends each alone.
 */
public record NatsSettings(
    List<String> servers,
    String connectionName,
    Duration connectTimeout,
    Duration reconnectWait,
    long pendingMessagesMax,
    long pendingBytesMax,
    long reconnectBufferBytes,
    int frameMessagesMax) {
  /** Messages per frame unless told otherwise: more than a batch holds by default, well under the limit. */
  public static final int FRAME_MESSAGES_DEFAULT = 256;

  public NatsSettings {
    servers = List.copyOf(servers);
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one NATS server URL is required");
    }
    for (String server : servers) {
      if (!server.startsWith("nats://") && !server.startsWith("tls://")) {
        throw new IllegalArgumentException("NATS server URL must start with nats:// or tls://, got '" + server + "'");
      }
    }
    Objects.requireNonNull(connectionName, "connectionName");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(reconnectWait, "reconnectWait");
    if (pendingMessagesMax < 1 || pendingBytesMax < 1 || reconnectBufferBytes < 0) {
      throw new IllegalArgumentException("NATS limits must be positive");
    }
    if (frameMessagesMax < 1 || frameMessagesMax > Frames.ENTRIES_MAX) {
      throw new IllegalArgumentException("messages per NATS frame must be 1 to " + Frames.ENTRIES_MAX
          + ", got " + frameMessagesMax);
    }
  }

  public static NatsSettings of(String serverList, String connectionName) {
    return new NatsSettings(List.of(serverList.split(",")), connectionName, Duration.ofSeconds(5),
        Duration.ofMillis(500), 100_000, 64L * 1024 * 1024, 8L * 1024 * 1024, FRAME_MESSAGES_DEFAULT);
  }

  /** These settings with {@code max} protocol messages per NATS message at most (1: no frames). */
  public NatsSettings withFrameMessagesMax(int max) {
    return new NatsSettings(servers, connectionName, connectTimeout, reconnectWait, pendingMessagesMax,
        pendingBytesMax, reconnectBufferBytes, max);
  }
}

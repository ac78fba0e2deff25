package io.natsbank.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach NATS. {@code pendingMessagesMax} bounds what a subscription may buffer before the
 * client drops messages as a slow consumer (the protocol re-sends them); {@code reconnectBufferBytes}
 * bounds what is buffered while disconnected.
 */
public record NatsSettings(
    List<String> servers,
    String connectionName,
    Duration connectTimeout,
    Duration reconnectWait,
    long pendingMessagesMax,
    long pendingBytesMax,
    long reconnectBufferBytes) {

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
  }

  public static NatsSettings of(String serverList, String connectionName) {
    return new NatsSettings(List.of(serverList.split(",")), connectionName, Duration.ofSeconds(5),
        Duration.ofMillis(500), 100_000, 64L * 1024 * 1024, 8L * 1024 * 1024);
  }
}

package io.natsbank.config;

import io.natsbank.runtime.HealthServer;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a service answers {@value HealthServer#LIVE_PATH} and {@value HealthServer#READY_PATH}.
 * Off by default, so that several instances can run side by side on one machine (the demo does);
 * the container images turn it on at {@value #CONTAINER_PORT}.
 */
public final class HealthOptions {
  /** The port the container images set (NATSBANK_HEALTH_PORT in their Dockerfiles and the manifests). */
  public static final int CONTAINER_PORT = 8080;

  @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "${env:NATSBANK_HEALTH_PORT:-0}",
      description = "Port of the HTTP endpoints " + HealthServer.LIVE_PATH + " and " + HealthServer.READY_PATH
          + "; 0 = none (env NATSBANK_HEALTH_PORT, default ${DEFAULT-VALUE}; the container images set "
          + CONTAINER_PORT + ").")
  public int port;

  @Option(names = "--health-check-timeout-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_HEALTH_CHECK_TIMEOUT_MILLIS:-2000}",
      description = "How long each readiness check (NATS, subscriptions, database) may take before it counts as "
          + "failed; checks run every second in the background (env NATSBANK_HEALTH_CHECK_TIMEOUT_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  public long checkTimeoutMillis;

  /** The health server's settings, or empty when it is off. */
  public Optional<HealthServer.Settings> settings() {
    if (port == 0) {
      return Optional.empty();
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--health-port must be within 1..65535, or 0 for none, got " + port);
    }
    return Optional.of(new HealthServer.Settings(port, HealthServer.REFRESH_INTERVAL,
        Duration.ofMillis(checkTimeoutMillis)));
  }
}

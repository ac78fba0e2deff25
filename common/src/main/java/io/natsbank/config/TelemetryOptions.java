package io.natsbank.config;

import io.natsbank.telemetry.Telemetry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Tracing and metrics of a service. Tracing follows OpenTelemetry's own configuration (the
 * {@code OTEL_*} variables: exporter, endpoint, sampler, resource); by default it is on exactly when
 * {@code OTEL_TRACES_EXPORTER} names an exporter, so a process that is not asked to trace creates no
 * span at all. Metrics are always kept, and served on the health port's /metrics.
 */
public final class TelemetryOptions {
  @Option(names = "--tracing", paramLabel = "auto|on|off", defaultValue = "${env:NATSBANK_TRACING:-auto}",
      description = "Record one trace per transfer with OpenTelemetry, configured by the OTEL_* variables; auto = on "
          + "when OTEL_TRACES_EXPORTER names an exporter (e.g. otlp, logging) and OTEL_SDK_DISABLED is not true "
          + "(env NATSBANK_TRACING, default ${DEFAULT-VALUE}).")
  public String tracing;

  @Option(names = "--metrics-refresh-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_METRICS_REFRESH_MILLIS:-10000}",
      description = "How often the transfers-by-state gauges are read from the database views, one query each time "
          + "(env NATSBANK_METRICS_REFRESH_MILLIS, default ${DEFAULT-VALUE}).")
  public long metricsRefreshMillis;

  public Telemetry.Settings settings() {
    return settings(System.getenv());
  }

  Telemetry.Settings settings(Map<String, String> environment) {
    return new Telemetry.Settings(tracingOn(tracing, environment), Duration.ofMillis(metricsRefreshMillis));
  }

  /** Whether {@code mode} (auto, on, off) turns tracing on in {@code environment}. */
  static boolean tracingOn(String mode, Map<String, String> environment) {
    String exporter = setting(environment, "OTEL_TRACES_EXPORTER", "otel.traces.exporter");
    boolean sdkDisabled = "true".equalsIgnoreCase(setting(environment, "OTEL_SDK_DISABLED", "otel.sdk.disabled"));
    return switch (mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> !sdkDisabled;
      case "off" -> false;
      case "auto" -> !sdkDisabled && exporter != null && !exporter.isBlank() && !exporter.trim().equals("none");
      default -> throw new IllegalArgumentException("--tracing must be auto, on or off, got '" + mode + "'");
    };
  }

  /** A system property wins over the environment, as in OpenTelemetry's own configuration. */
  private static String setting(Map<String, String> environment, String variable, String property) {
    String value = System.getProperty(property);
    return value != null ? value : environment.get(variable);
  }
}

package io.natsbank.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one process observes itself with: an OpenTelemetry tracer (a no-op unless tracing is on) and
 * a Prometheus meter registry. A service takes it as a dependency; whoever created it closes it,
 * after the services that use it, so that the last spans are exported.
 *
 * <p>Tracing is off by default. When it is on, the SDK is configured the standard way, from the
 * {@code OTEL_*} environment variables and {@code otel.*} system properties (exporter, endpoint,
 * sampler, resource); only the defaults differ: the service name is the participant, and the SDK
 * exports no metrics and no logs of its own (metrics are on {@code /metrics}, logs on stderr).
 */
public final class Telemetry implements AutoCloseable {
  public static final String INSTRUMENTATION_NAME = "io.natsbank";
  public static final String INSTRUMENTATION_VERSION = "0.1.0";
  /** How often a service reads its state views for the state gauges, unless told otherwise. */
  public static final Duration STATE_REFRESH_DEFAULT = Duration.ofSeconds(10);
  static final AttributeKey<String> PARTICIPANT = AttributeKey.stringKey("natsbank.participant");
  static final AttributeKey<String> ROLE = AttributeKey.stringKey("natsbank.role");

  /** {@code stateRefresh}: how often the state gauges are read from the database. */
  public record Settings(boolean tracing, Duration stateRefresh) {
    public Settings {
      Objects.requireNonNull(stateRefresh, "stateRefresh");
      if (stateRefresh.toMillis() < 100 || stateRefresh.toMinutes() > 60) {
        throw new IllegalArgumentException("state refresh interval must be within 100 ms..60 min, got "
            + stateRefresh.toMillis() + " ms");
      }
    }
  }

  private final OpenTelemetry openTelemetry;
  private final boolean tracing;
  private final PrometheusMeterRegistry registry;
  private final Duration stateRefresh;
  private final List<AutoCloseable> toClose;

  private Telemetry(OpenTelemetry openTelemetry, boolean tracing, Duration stateRefresh, List<AutoCloseable> toClose) {
    this.openTelemetry = openTelemetry;
    this.tracing = tracing;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.stateRefresh = stateRefresh;
    this.toClose = new ArrayList<>(toClose);
  }

  /** No tracing, metrics in a registry of its own (what tests and embedded services get by default). */
  public static Telemetry off() {
    return new Telemetry(OpenTelemetry.noop(), false, STATE_REFRESH_DEFAULT, List.of());
  }

  /** Tracing through {@code openTelemetry} (tests pass an SDK with an in-memory exporter). */
  public static Telemetry tracingWith(OpenTelemetry openTelemetry, Duration stateRefresh) {
    return new Telemetry(openTelemetry, true, stateRefresh, List.of());
  }

  /**
   * The telemetry of a service process: JVM metrics, and tracing configured from the environment
   * when {@code settings} say so.
   */
  public static Telemetry start(String role, String participant, Settings settings) {
    List<AutoCloseable> toClose = new ArrayList<>();
    OpenTelemetry openTelemetry = OpenTelemetry.noop();
    if (settings.tracing()) {
      OpenTelemetrySdk sdk = configureSdk(role, participant);
      toClose.add(sdk);
      openTelemetry = sdk;
    }
    Telemetry telemetry = new Telemetry(openTelemetry, settings.tracing(), settings.stateRefresh(), toClose);
    telemetry.bindJvmMetrics();
    return telemetry;
  }

  private static OpenTelemetrySdk configureSdk(String role, String participant) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", participant,
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .addResourceCustomizer((resource, config) -> resource.merge(Resource.create(Attributes.of(
            PARTICIPANT, participant, ROLE, role, AttributeKey.stringKey("service.namespace"), "nats-bank"))))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  private void bindJvmMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    toClose.add(gc);
  }

  /** Whether spans are recorded; when false, tracing code is skipped altogether on the hot path. */
  public boolean tracing() {
    return tracing;
  }

  public Tracer tracer() {
    return openTelemetry.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Duration stateRefresh() {
    return stateRefresh;
  }

  /** Every metric in the Prometheus text format, as {@code /metrics} serves it. */
  public String scrape() {
    return registry.scrape();
  }

  /** Exports the spans still buffered (bounded by the SDK's own timeouts) and releases the registry. */
  @Override
  public void close() {
    for (AutoCloseable closeable : toClose.reversed()) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing: keep closing the rest
      }
    }
    registry.close();
  }
}

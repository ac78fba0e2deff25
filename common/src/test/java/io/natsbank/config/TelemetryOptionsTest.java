package io.natsbank.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TelemetryOptionsTest {
  @CommandLine.Command
  static final class Holder {
    @CommandLine.Mixin TelemetryOptions options;
  }

  @Test
  void tracingIsOffUnlessAnExporterIsNamedOrItIsAskedFor() {
    assertFalse(TelemetryOptions.tracingOn("auto", Map.of()));
    assertFalse(TelemetryOptions.tracingOn("auto", Map.of("OTEL_TRACES_EXPORTER", "none")));
    assertTrue(TelemetryOptions.tracingOn("auto", Map.of("OTEL_TRACES_EXPORTER", "otlp")));
    assertTrue(TelemetryOptions.tracingOn("AUTO", Map.of("OTEL_TRACES_EXPORTER", "logging")));
    assertTrue(TelemetryOptions.tracingOn("on", Map.of()));
    assertFalse(TelemetryOptions.tracingOn("off", Map.of("OTEL_TRACES_EXPORTER", "otlp")));
  }

  @Test
  void theSdksOwnSwitchWins() {
    Map<String, String> disabled = Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true");
    assertFalse(TelemetryOptions.tracingOn("auto", disabled));
    assertFalse(TelemetryOptions.tracingOn("on", disabled));
  }

  @Test
  void badValuesAreRefusedWithTheOptionsName() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TelemetryOptions.tracingOn("yes", Map.of()));
    assertTrue(bad.getMessage().contains("--tracing"), bad.getMessage());
    TelemetryOptions options = parse("--metrics-refresh-millis", "10");
    assertThrows(IllegalArgumentException.class, () -> options.settings(Map.of()));
  }

  @Test
  void defaultsReadTheStateViewsEveryTenSeconds() {
    TelemetryOptions options = parse();
    assertEquals(Duration.ofSeconds(10), options.settings(Map.of()).stateRefresh());
    assertFalse(options.settings(Map.of()).tracing());
    assertTrue(parse("--tracing", "on").settings(Map.of()).tracing());
  }

  @Test
  void theLogFormatIsTextOrJson() {
    ServiceCommand.requireKnownLogFormat(Map.of());
    ServiceCommand.requireKnownLogFormat(Map.of("NATSBANK_LOG_FORMAT", "json"));
    ServiceCommand.requireKnownLogFormat(Map.of("NATSBANK_LOG_FORMAT", "text"));
    assertThrows(IllegalArgumentException.class,
        () -> ServiceCommand.requireKnownLogFormat(Map.of("NATSBANK_LOG_FORMAT", "xml")));
  }

  private static TelemetryOptions parse(String... args) {
    Holder holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.options;
  }
}

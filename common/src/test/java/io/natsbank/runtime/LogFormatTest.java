package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natsbank.protocol.Refusal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The logback.xml the services ship: plain text by default, one JSON object per line with
 * NATSBANK_LOG_FORMAT=json; either way the participant and the transfer id of a line about a transfer.
 */
class LogFormatTest {
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");

  @Test
  void jsonLinesCarryTheParticipantAndTheTransferIdAndStayOneLineWithAStackTrace() throws Exception {
    List<String> lines = logWith("json").lines().toList();

    assertEquals(2, lines.size(), String.join("\n", lines));
    ObjectMapper json = new ObjectMapper();
    JsonNode refusal = json.readTree(lines.getFirst());
    assertEquals("WARN", refusal.path("level").asText());
    assertEquals("bank-p1", refusal.path("mdc").path("participant").asText());
    assertEquals(TRANSFER_ID.toString(), refusal.path("mdc").path("transferId").asText());
    assertTrue(refusal.path("formattedMessage").asText().startsWith("bank-p1: refused response of transfer "
        + TRANSFER_ID + ": CONTRADICTORY"), refusal.toString());
    JsonNode failure = json.readTree(lines.get(1));
    assertEquals("ERROR", failure.path("level").asText());
    assertEquals("java.lang.IllegalStateException", failure.path("throwable").path("className").asText());
  }

  @Test
  void textIsTheDefault() throws Exception {
    String text = logWith(null);
    assertTrue(text.lines().findFirst().orElseThrow()
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[bank-p1] InboundGuard " + TRANSFER_ID + " - bank-p1: refused .*"),
        text);
  }

  /** What a refusal and a failed handler log, through a fresh logback configured from logback.xml. */
  private static String logWith(String format) throws JoranException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    if (format != null) {
      context.putProperty("NATSBANK_LOG_FORMAT", format);
    }
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      MDC.put("participant", "bank-p1");
      MDC.put("transferId", TRANSFER_ID.toString());
      try {
        context.getLogger(InboundGuard.class).warn("bank-p1: refused response of transfer {}: {}", TRANSFER_ID,
            Refusal.Code.CONTRADICTORY);
        MDC.remove("transferId");
        context.getLogger(InboundGuard.class).error("bank-p1: handler failed", new IllegalStateException("boom"));
      } finally {
        MDC.clear();
      }
    } finally {
      System.setErr(original);
      context.stop();
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}

package io.natsbank.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.TransferTerms;
import io.natsbank.transport.MessageHeaders;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TransferTraceContextTest {
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final Posting POSTING = new Posting(TRANSFER_ID,
      new TransferTerms("bank-a", "bank-b", "alice", "bob", Money.parsePositive("5", Currency.EUR)), 1);

  @Test
  void theTraceIdIsTheTransferId() {
    assertEquals("0190a6b27c3d7e4f8a5b6c7d8e9f0a1b", TransferTraceContext.traceId(TRANSFER_ID));
  }

  @Test
  void theRootContextIsTheSameInEveryProcessAndSampled() {
    SpanContext root = TransferTraceContext.root(TRANSFER_ID);
    assertTrue(root.isValid());
    assertTrue(root.isRemote());
    assertTrue(root.isSampled());
    assertEquals(TransferTraceContext.traceId(TRANSFER_ID), root.getTraceId());
    assertEquals("8a5b6c7d8e9f0a1b", root.getSpanId(), "derived from the transfer id");
    assertEquals(root, TransferTraceContext.root(UUID.fromString(TRANSFER_ID.toString())));
  }

  @Test
  void theTraceparentOfEveryMessageNamesASpanOfTheTransfersTrace() {
    Map<String, String> headers = MessageHeaders.forMessage(POSTING, new SplittableRandom(3));
    SpanContext parent = TransferTraceContext.fromHeaders(headers);
    assertTrue(parent.isValid());
    assertTrue(TransferTraceContext.belongsTo(parent, TRANSFER_ID));
    assertEquals(headers.get(MessageHeaders.TRACEPARENT), TransferTraceContext.traceparent(parent));
    assertEquals(headers, MessageHeaders.forMessage(POSTING, TransferTraceContext.traceparent(parent)));
  }

  @Test
  void aMissingMalformedOrForeignTraceparentIsNotAParentOfTheTransfer() {
    assertFalse(TransferTraceContext.fromHeaders(Map.of()).isValid());
    assertFalse(TransferTraceContext.fromHeaders(null).isValid());
    assertFalse(TransferTraceContext.fromHeaders(Map.of(MessageHeaders.TRACEPARENT, "00-zz-11-01")).isValid());
    SpanContext foreign = TransferTraceContext.fromHeaders(Map.of(MessageHeaders.TRACEPARENT,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    assertTrue(foreign.isValid());
    assertFalse(TransferTraceContext.belongsTo(foreign, TRANSFER_ID));
  }
}

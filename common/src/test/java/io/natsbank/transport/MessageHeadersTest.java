package io.natsbank.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.TransferTerms;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MessageHeadersTest {
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final String TRACE_ID = "0190a6b27c3d7e4f8a5b6c7d8e9f0a1b";
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01");
  private static final TransferTerms TERMS =
      new TransferTerms("bank-a", "bank-b", "alice", "bob", Money.parsePositive("5", Currency.USD));

  private static final Posting POSTING = new Posting(TRANSFER_ID, TERMS, 1);
  private static final Response RESPONSE =
      new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED, RejectCause.OVER_LIMIT, null, 1);
  private static final Confirm CONFIRM = new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED);

  @Test
  void messageIdIsTheTransferIdAndTheKind() {
    SplittableRandom random = new SplittableRandom(1);

    assertEquals(TRANSFER_ID + ":POSTING", MessageHeaders.forMessage(POSTING, random).get(MessageHeaders.MSG_ID));
    assertEquals(TRANSFER_ID + ":RESPONSE", MessageHeaders.forMessage(RESPONSE, random).get(MessageHeaders.MSG_ID));
    assertEquals(TRANSFER_ID + ":CONFIRM", MessageHeaders.forMessage(CONFIRM, random).get(MessageHeaders.MSG_ID));
  }

  @Test
  void headerNamesAreTheStandardOnes() {
    assertEquals("Nats-Msg-Id", MessageHeaders.MSG_ID);
    assertEquals("traceparent", MessageHeaders.TRACEPARENT);
    assertEquals(2, MessageHeaders.forMessage(POSTING, new SplittableRandom(1)).size());
  }

  @Test
  void traceparentCarriesTheTransferIdAsTraceIdAndARandomSpanId() {
    long expectedSpanId = new SplittableRandom(99).nextLong();

    String traceparent =
        MessageHeaders.forMessage(CONFIRM, new SplittableRandom(99)).get(MessageHeaders.TRACEPARENT);

    assertEquals("00-" + TRACE_ID + "-" + HexFormat.of().toHexDigits(expectedSpanId) + "-01", traceparent);
    assertTrue(TRACEPARENT.matcher(traceparent).matches(), traceparent);
  }

  @Test
  void everyMessageOfATransferBelongsToOneTrace() {
    SplittableRandom random = new SplittableRandom(5);
    for (ProtocolMessage message : new ProtocolMessage[] {POSTING, RESPONSE, CONFIRM}) {
      var matcher = TRACEPARENT.matcher(MessageHeaders.forMessage(message, random).get(MessageHeaders.TRACEPARENT));
      assertTrue(matcher.matches());
      assertEquals(TRACE_ID, matcher.group(1));
    }
  }

  @Test
  void eachMessageGetsItsOwnSpan() {
    SplittableRandom random = new SplittableRandom(5);
    Map<String, String> first = MessageHeaders.forMessage(POSTING, random);
    Map<String, String> second = MessageHeaders.forMessage(POSTING, random);

    assertNotEquals(first.get(MessageHeaders.TRACEPARENT), second.get(MessageHeaders.TRACEPARENT));
    assertEquals(first.get(MessageHeaders.MSG_ID), second.get(MessageHeaders.MSG_ID));
  }

  @Test
  void spanIdIsSixteenLowerCaseHexDigitsWithLeadingZeros() {
    assertEquals("00-" + TRACE_ID + "-00000000000000ff-01", MessageHeaders.traceparent(TRANSFER_ID, 255));
    assertEquals("00-" + TRACE_ID + "-ffffffffffffffff-01", MessageHeaders.traceparent(TRANSFER_ID, -1));
    assertEquals("00-" + TRACE_ID + "-8000000000000000-01", MessageHeaders.traceparent(TRANSFER_ID, Long.MIN_VALUE));
  }

  @Test
  void allZeroSpanIdIsNeverSentBecauseW3cForbidsIt() {
    assertEquals("00-" + TRACE_ID + "-0000000000000001-01", MessageHeaders.traceparent(TRANSFER_ID, 0));
  }

  @Test
  void traceIdKeepsLeadingZerosOfTheTransferId() {
    UUID small = UUID.fromString("00000000-0000-7000-8000-000000000001");

    assertEquals("00-00000000000070008000000000000001-0000000000000002-01", MessageHeaders.traceparent(small, 2));
  }
}

package io.natsbank.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.transport.Frames.Frame;
import io.natsbank.transport.Frames.FrameException;
import io.natsbank.transport.Frames.Packed;
import io.natsbank.transport.Frames.Single;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {
  private static final String POSTINGS = "nb.postings.c1";
  private static final String RESULTS = "nb.results.p1";

  private static Outgoing message(String subject, int index) {
    return new Outgoing(subject, Map.of(MessageHeaders.MSG_ID, "id-" + index + ":POSTING",
        MessageHeaders.TRACEPARENT, "00-tp-" + index + "-01"), ("{\"n\":" + index + "}").getBytes(UTF_8));
  }

  /** Every delivery the packed list carries, frames split, in publishing order. */
  private static List<Delivery> unpack(List<Packed> packed) throws FrameException {
    List<Delivery> deliveries = new ArrayList<>();
    for (Packed p : packed) {
      switch (p) {
        case Single single -> deliveries.add(new Delivery(single.message().subject(), null,
            single.message().headers(), single.message().body()));
        case Frame frame -> deliveries.addAll(Frames.split(frame.subject(), frame.headers(), frame.body()));
      }
    }
    return deliveries;
  }

  private static void assertSame(Outgoing sent, Delivery received) {
    assertEquals(sent.subject(), received.subject());
    assertEquals(sent.headers(), received.headers());
    assertArrayEquals(sent.body(), received.body());
  }

  @Test
  void messagesToOneSubjectShareAFrameAndComeBackAsTheyWereSent() throws FrameException {
    List<Outgoing> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(message(POSTINGS, i));
      sent.add(message(RESULTS, 100 + i));
    }
    List<Packed> packed = Frames.pack(sent, 256, Frames.BODY_BYTES_MAX);

    assertEquals(2, packed.size());
    Frame postings = assertInstanceOf(Frame.class, packed.get(0));
    assertEquals(POSTINGS, postings.subject());
    assertEquals(5, postings.size());
    assertEquals(List.of("5"), postings.headers().get(Frames.FRAME));
    assertEquals("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}", new String(postings.body(), UTF_8));
    List<Delivery> received = unpack(packed);
    assertEquals(10, received.size());
    for (int i = 0; i < 5; i++) {
      assertSame(sent.get(2 * i), received.get(i));
      assertSame(sent.get(2 * i + 1), received.get(5 + i));
    }
  }

  @Test
  void aFrameHoldsAtMostTheGivenNumberOfMessagesAndALoneRemainderGoesAsItIs() throws FrameException {
    List<Outgoing> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(message(POSTINGS, i));
    }
    List<Packed> packed = Frames.pack(sent, 3, Frames.BODY_BYTES_MAX);

    assertEquals(3, packed.size());
    assertEquals(3, assertInstanceOf(Frame.class, packed.get(0)).size());
    assertEquals(3, assertInstanceOf(Frame.class, packed.get(1)).size());
    assertSame(sent.get(6), deliveryOf(assertInstanceOf(Single.class, packed.get(2))));
    List<Delivery> received = unpack(packed);
    for (int i = 0; i < 7; i++) {
      assertSame(sent.get(i), received.get(i));
    }
  }

  private static Delivery deliveryOf(Single single) {
    return new Delivery(single.message().subject(), null, single.message().headers(), single.message().body());
  }

  @Test
  void aFrameHoldsAtMostTheGivenNumberOfBodyBytes() {
    List<Outgoing> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sent.add(message(POSTINGS, i)); // 7 bytes each: two with their newline take 15
    }
    List<Packed> packed = Frames.pack(sent, 256, 15);

    assertEquals(3, packed.size());
    for (Packed p : packed) {
      Frame frame = assertInstanceOf(Frame.class, p);
      assertEquals(2, frame.size());
      assertEquals(15, frame.body().length);
    }
    assertEquals(6, assertInstanceOf(Frame.class, Frames.pack(sent, 256, 14 * 7).get(0)).size());
  }

  @Test
  void messagesWithOtherHeadersOrANewlineAreSentAlone() {
    Outgoing extraHeader = new Outgoing(POSTINGS, Map.of(MessageHeaders.MSG_ID, "a:POSTING",
        MessageHeaders.TRACEPARENT, "tp", "X-Other", "1"), "{}".getBytes(UTF_8));
    Outgoing noTrace = new Outgoing(POSTINGS, Map.of(MessageHeaders.MSG_ID, "b:POSTING"), "{}".getBytes(UTF_8));
    Outgoing newline = new Outgoing(POSTINGS, message(POSTINGS, 0).headers(), "{\n}".getBytes(UTF_8));
    assertFalse(Frames.frameable(extraHeader));
    assertFalse(Frames.frameable(noTrace));
    assertFalse(Frames.frameable(newline));
    assertTrue(Frames.frameable(message(POSTINGS, 1)));

    List<Packed> packed = Frames.pack(List.of(extraHeader, message(POSTINGS, 1), noTrace, newline,
        message(POSTINGS, 2)), 256, Frames.BODY_BYTES_MAX);
    assertEquals(4, packed.size());
    assertEquals(extraHeader, assertInstanceOf(Single.class, packed.get(0)).message());
    assertEquals(noTrace, assertInstanceOf(Single.class, packed.get(1)).message());
    assertEquals(newline, assertInstanceOf(Single.class, packed.get(2)).message());
    assertEquals(2, assertInstanceOf(Frame.class, packed.get(3)).size());
  }

  @Test
  void oneMessagePerFrameFramesNothing() {
    List<Outgoing> sent = List.of(message(POSTINGS, 0), message(POSTINGS, 1), message(POSTINGS, 2));
    List<Packed> packed = Frames.pack(sent, 1, Frames.BODY_BYTES_MAX);
    assertEquals(List.of(new Single(sent.get(0)), new Single(sent.get(1)), new Single(sent.get(2))), packed);
  }

  @Test
  void limitsOutsideTheirRangeAreRefused() {
    List<Outgoing> sent = List.of(message(POSTINGS, 0));
    assertThrows(IllegalArgumentException.class, () -> Frames.pack(sent, 0, 100));
    assertThrows(IllegalArgumentException.class, () -> Frames.pack(sent, Frames.ENTRIES_MAX + 1, 100));
    assertThrows(IllegalArgumentException.class, () -> Frames.pack(sent, 2, 0));
  }

  private static Map<String, List<String>> headers(String count, List<String> ids, List<String> traceparents) {
    Map<String, List<String>> headers = new HashMap<>();
    if (count != null) {
      headers.put(Frames.FRAME, List.of(count));
    }
    if (ids != null) {
      headers.put(Frames.MSG_IDS, ids);
    }
    if (traceparents != null) {
      headers.put(Frames.TRACEPARENTS, traceparents);
    }
    return headers;
  }

  @Test
  void aFrameWhosePartsDisagreeIsRefusedWhole() {
    byte[] twoLines = "{\"a\":1}\n{\"b\":2}".getBytes(UTF_8);
    List<String> two = List.of("x", "y");
    assertEquals(2, assertDoesNotRefuse(headers("2", two, two), twoLines).size());

    FrameException fewerLines = assertThrows(FrameException.class,
        () -> Frames.split(POSTINGS, headers("3", List.of("x", "y", "z"), List.of("x", "y", "z")), twoLines));
    assertTrue(fewerLines.getMessage().contains("has 2 lines"), fewerLines.getMessage());
    FrameException moreLines = assertThrows(FrameException.class,
        () -> Frames.split(POSTINGS, headers("2", two, two), "{}\n{}\n{}".getBytes(UTF_8)));
    assertTrue(moreLines.getMessage().contains("more than 2 lines"), moreLines.getMessage());
    assertThrows(FrameException.class, () -> Frames.split(POSTINGS, headers("2", List.of("x"), two), twoLines));
    assertThrows(FrameException.class, () -> Frames.split(POSTINGS, headers("2", two, null), twoLines));
    assertThrows(FrameException.class, () -> Frames.split(POSTINGS, headers("two", two, two), twoLines));
    assertThrows(FrameException.class, () -> Frames.split(POSTINGS, headers("1", List.of("x"), List.of("x")),
        "{}".getBytes(UTF_8)));
    assertThrows(FrameException.class, () -> Frames.split(POSTINGS,
        headers(Integer.toString(Frames.ENTRIES_MAX + 1), two, two), twoLines));
  }

  private static List<Delivery> assertDoesNotRefuse(Map<String, List<String>> headers, byte[] body) {
    try {
      return Frames.split(POSTINGS, headers, body);
    } catch (FrameException e) {
      throw new AssertionError("refused: " + e.getMessage(), e);
    }
  }
}

package io.natsbank.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferTerms;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever bytes arrive, decoding either yields a valid message or throws
 * {@link DecodeException}; never another exception, which would escape the boundary guard's accounting.
 * Runs are seeded so that a failure names the seed and the bytes and can be replayed.
 */
class DecodeRobustnessTest {
  private static final long SEED = 0x5eed_cafeL;
  private static final int CASES = 5_000;

  /** API requests go through the same strict reader as wire messages, so fewer cases cover what differs. */
  private static final int API_CASES = 2_000;
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");

  /** Characters that tend to matter to a JSON parser and to the field validators. */
  private static final String INTERESTING = "{}[]\":,.-+eE0123456789 \\ntfalsenul\u0000\u00ff\u20ac1e999";

  private static final List<String> REPLACEMENT_VALUES = List.of("null", "0", "-1", "1.5", "1e400", "\"\"",
      "\"x\"", "[]", "{}", "true", "\"NaN\"", "\"-0\"", "99999999999999999999999", "\"REJECTED\"", "\"ACK\"",
      "\"OK\"", "\"" + "z".repeat(300) + "\"", "[[[[[[[[[[1]]]]]]]]]]", "\"" + TRANSFER_ID + "\"");

  private static List<byte[]> validWireMessages() {
    TransferTerms terms =
        new TransferTerms("bank-a", "bank-b", "alice", "bob", Money.parsePositive("12.50", Currency.EUR));
    List<ProtocolMessage> messages = List.of(
        new Posting(TRANSFER_ID, terms, 1),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.ACK, null, null, 1),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK, null, null, 2),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED, RejectCause.OVER_LIMIT, "too much", 3),
        new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED));
    return messages.stream().map(WireCodec::encode).toList();
  }

  private static List<byte[]> validApiRequests() {
    SubmitRequest submit =
        new SubmitRequest(TRANSFER_ID, "bank-b", "alice", "bob", Money.parsePositive("7", Currency.JPY));
    return List.of(ApiCodec.encodeSubmit(submit), ApiCodec.encodeStatus(TRANSFER_ID));
  }

  @FunctionalInterface
  private interface Decoder {
    Object decode(byte[] bytes) throws DecodeException;
  }

  /** Decodes, failing the test on anything but success or DecodeException; returns the message or null. */
  private static Object decodedOrNull(Decoder decoder, byte[] bytes, String origin) {
    try {
      return decoder.decode(bytes);
    } catch (DecodeException expected) {
      String message = expected.refusal().message();
      if (message.length() > 400) {
        fail("refusal messages stay bounded, got " + message.length() + " characters: " + message);
      }
      return null;
    } catch (Throwable unexpected) {
      return fail(origin + " threw " + unexpected + " for bytes " + HexFormat.of().formatHex(bytes)
          + " (" + new String(bytes, UTF_8) + ")", unexpected);
    }
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] bytes = new byte[random.nextInt(0, 200)];
    random.nextBytes(bytes);
    if (random.nextBoolean() && bytes.length > 0) {
      bytes[0] = '{';
    }
    return bytes;
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] bytes = valid.clone();
    int mutations = random.nextInt(1, 4);
    for (int i = 0; i < mutations; i++) {
      bytes = switch (random.nextInt(6)) {
        case 0 -> flipOneByte(bytes, random);
        case 1 -> insertInteresting(bytes, random);
        case 2 -> deleteRange(bytes, random);
        case 3 -> Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        case 4 -> replaceAValue(bytes, random);
        default -> duplicateRange(bytes, random);
      };
    }
    return bytes;
  }

  private static byte[] flipOneByte(byte[] bytes, SplittableRandom random) {
    if (bytes.length > 0) {
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return bytes;
  }

  private static byte[] insertInteresting(byte[] bytes, SplittableRandom random) {
    String text = new String(bytes, UTF_8);
    int at = random.nextInt(text.length() + 1);
    int from = random.nextInt(INTERESTING.length());
    String inserted = INTERESTING.substring(from, Math.min(INTERESTING.length(), from + random.nextInt(1, 6)));
    return (text.substring(0, at) + inserted + text.substring(at)).getBytes(UTF_8);
  }

  private static byte[] deleteRange(byte[] bytes, SplittableRandom random) {
    if (bytes.length == 0) {
      return bytes;
    }
    int from = random.nextInt(bytes.length);
    int to = Math.min(bytes.length, from + random.nextInt(1, 10));
    byte[] result = new byte[bytes.length - (to - from)];
    System.arraycopy(bytes, 0, result, 0, from);
    System.arraycopy(bytes, to, result, from, bytes.length - to);
    return result;
  }

  private static byte[] duplicateRange(byte[] bytes, SplittableRandom random) {
    if (bytes.length == 0) {
      return bytes;
    }
    int from = random.nextInt(bytes.length);
    int to = Math.min(bytes.length, from + random.nextInt(1, 30));
    byte[] result = new byte[bytes.length + (to - from)];
    System.arraycopy(bytes, 0, result, 0, to);
    System.arraycopy(bytes, from, result, to, bytes.length - from);
    return result;
  }

  /** Replaces the value after a random {@code ":"} with one of the awkward values. */
  private static byte[] replaceAValue(byte[] bytes, SplittableRandom random) {
    String text = new String(bytes, UTF_8);
    int colon = text.indexOf("\":", random.nextInt(text.length() + 1));
    if (colon < 0) {
      return bytes;
    }
    int valueStart = colon + 2;
    int valueEnd = valueStart;
    boolean quoted = valueEnd < text.length() && text.charAt(valueEnd) == '"';
    valueEnd += quoted ? 1 : 0;
    while (valueEnd < text.length() && (quoted ? text.charAt(valueEnd) != '"' : ",}".indexOf(text.charAt(valueEnd)) < 0)) {
      valueEnd++;
    }
    valueEnd = Math.min(text.length(), valueEnd + (quoted ? 1 : 0));
    String replacement = REPLACEMENT_VALUES.get(random.nextInt(REPLACEMENT_VALUES.size()));
    return (text.substring(0, valueStart) + replacement + text.substring(valueEnd)).getBytes(UTF_8);
  }

  @Test
  void randomBytesOnlyEverRaiseDecodeException() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = randomBytes(random);
      decodedOrNull(WireCodec::decode, bytes, "WireCodec.decode, case " + i);
      decodedOrNull(ApiCodec::decodeReply, bytes, "ApiCodec.decodeReply, case " + i);
    }
  }

  @Test
  void mutatedWireMessagesOnlyEverRaiseDecodeExceptionAndDecodedOnesReEncodeFaithfully() throws DecodeException {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    List<byte[]> valid = validWireMessages();
    int decoded = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = mutate(valid.get(random.nextInt(valid.size())), random);
      if (decodedOrNull(WireCodec::decode, bytes, "WireCodec.decode, case " + i) instanceof ProtocolMessage message) {
        assertEquals(message, WireCodec.decode(WireCodec.encode(message)), "case " + i);
        decoded++;
      }
    }
    assertTrue(decoded > 0 && decoded < CASES, "the mutations should produce both valid and invalid input: "
        + decoded + " of " + CASES + " decoded");
  }

  @Test
  void mutatedApiRequestsOnlyEverRaiseDecodeException() {
    SplittableRandom random = new SplittableRandom(SEED + 2);
    List<byte[]> valid = validApiRequests();
    for (int i = 0; i < API_CASES; i++) {
      byte[] bytes = mutate(valid.get(random.nextInt(valid.size())), random);
      decodedOrNull(ApiCodec::decodeRequest, bytes, "ApiCodec.decodeRequest, case " + i);
    }
  }
}

package io.natsbank.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.TransferTerms;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final String TRANSFER_ID_TEXT = TRANSFER_ID.toString();

  private static TransferTerms terms(String amount, Currency currency) {
    return new TransferTerms("bank-a", "bank-b", "alice", "bob", Money.parsePositive(amount, currency));
  }

  static Stream<ProtocolMessage> everyMessageKind() {
    return Stream.of(
        new Posting(TRANSFER_ID, terms("12.50", Currency.EUR), 1),
        new Posting(TRANSFER_ID, terms("1000000000", Currency.JPY), Integer.MAX_VALUE),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.ACK, null, null, 1),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK, null, null, 3),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED, RejectCause.OVER_LIMIT,
            "amount is over the payee's limit of 10.00", 2),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, null, 1),
        new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED, RejectCause.CURRENCY_MISMATCH,
            "quotes \" backslash \\ newline \n tab \t unicode é € \u0001", 5),
        new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK),
        new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED));
  }

  /** A valid posting as a mutable JSON tree, for tests that spoil one field. */
  private static ObjectNode posting() {
    return tree(WireCodec.encode(new Posting(TRANSFER_ID, terms("12.50", Currency.EUR), 1)));
  }

  private static ObjectNode rejectedResponse() {
    return tree(WireCodec.encode(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.REJECTED,
        RejectCause.ACCOUNT_CLOSED, "closed", 1)));
  }

  private static ObjectNode confirm() {
    return tree(WireCodec.encode(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK)));
  }

  private static ObjectNode tree(byte[] bytes) {
    try {
      return (ObjectNode) JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static DecodeException refused(byte[] bytes) {
    return assertThrows(DecodeException.class, () -> WireCodec.decode(bytes));
  }

  private static DecodeException refused(String text) {
    return refused(text.getBytes(UTF_8));
  }

  /** Refused with {@code code}, a message naming {@code named}, and the transfer id since it was readable. */
  private static void assertRefused(ObjectNode message, Code code, String named) {
    DecodeException refusal = refused(bytes(message));
    assertEquals(code, refusal.refusal().code(), refusal.getMessage());
    assertTrue(refusal.refusal().message().contains(named),
        "the message should name '" + named + "': " + refusal.refusal().message());
    assertEquals(TRANSFER_ID, refusal.transferId(), "the transfer id was readable");
  }

  @Nested
  class RoundTrip {
    @ParameterizedTest
    @MethodSource("io.natsbank.codec.WireCodecTest#everyMessageKind")
    void everyMessageDecodesToItselfAfterEncoding(ProtocolMessage message) throws DecodeException {
      byte[] encoded = WireCodec.encode(message);

      assertEquals(message, WireCodec.decode(encoded));
      assertTrue(encoded.length <= WireCodec.MESSAGE_SIZE_MAX_BYTES);
    }

    @Test
    void postingHasTheDocumentedWireForm() {
      String encoded = new String(WireCodec.encode(new Posting(TRANSFER_ID, terms("12.5", Currency.EUR), 4)), UTF_8);

      assertEquals("{\"v\":1,\"kind\":\"POSTING\",\"transferId\":\"" + TRANSFER_ID_TEXT + "\","
          + "\"producer\":\"bank-a\",\"consumer\":\"bank-b\",\"payer\":\"alice\",\"payee\":\"bob\","
          + "\"amount\":\"12.50\",\"currency\":\"EUR\",\"attempt\":4}", encoded);
    }

    @Test
    void rejectedResponseHasTheDocumentedWireForm() {
      String encoded = new String(WireCodec.encode(new Response(TRANSFER_ID, "bank-a", "bank-b",
          Outcome.REJECTED, RejectCause.ACCOUNT_CLOSED, "closed", 2)), UTF_8);

      assertEquals("{\"v\":1,\"kind\":\"RESPONSE\",\"transferId\":\"" + TRANSFER_ID_TEXT + "\","
          + "\"producer\":\"bank-a\",\"consumer\":\"bank-b\",\"outcome\":\"REJECTED\",\"cause\":\"ACCOUNT_CLOSED\","
          + "\"reason\":\"closed\",\"attempt\":2}", encoded);
    }

    @Test
    void okResponseAndConfirmCarryNoCauseOrReason() {
      assertEquals("{\"v\":1,\"kind\":\"RESPONSE\",\"transferId\":\"" + TRANSFER_ID_TEXT + "\","
          + "\"producer\":\"bank-a\",\"consumer\":\"bank-b\",\"outcome\":\"OK\",\"attempt\":1}",
          new String(WireCodec.encode(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK, null, null, 1)),
              UTF_8));
      assertEquals("{\"v\":1,\"kind\":\"CONFIRM\",\"transferId\":\"" + TRANSFER_ID_TEXT + "\","
          + "\"producer\":\"bank-a\",\"consumer\":\"bank-b\",\"outcome\":\"OK\"}",
          new String(WireCodec.encode(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK)), UTF_8));
    }

    @Test
    void kindOfNamesEachMessage() {
      assertEquals(WireCodec.Kind.POSTING, WireCodec.kindOf(new Posting(TRANSFER_ID, terms("1", Currency.EUR), 1)));
      assertEquals(WireCodec.Kind.RESPONSE,
          WireCodec.kindOf(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.ACK, null, null, 1)));
      assertEquals(WireCodec.Kind.CONFIRM, WireCodec.kindOf(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK)));
    }

    @Test
    void fieldOrderAndWhitespaceDoNotMatter() throws DecodeException {
      String reordered = "\n{ \"attempt\" : 1 , \"currency\":\"EUR\", \"amount\":\"12.50\", \"payee\":\"bob\","
          + " \"payer\":\"alice\", \"consumer\":\"bank-b\", \"producer\":\"bank-a\","
          + " \"transferId\":\"" + TRANSFER_ID_TEXT + "\", \"kind\":\"POSTING\", \"v\":1 }\t ";

      assertEquals(new Posting(TRANSFER_ID, terms("12.50", Currency.EUR), 1), WireCodec.decode(reordered.getBytes(UTF_8)));
    }

    @Test
    void explicitNullCauseAndReasonMeanAbsent() throws DecodeException {
      ObjectNode ok = tree(WireCodec.encode(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK, null, null, 1)));
      ok.putNull("cause");
      ok.putNull("reason");

      assertEquals(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK, null, null, 1),
          WireCodec.decode(bytes(ok)));
    }

    @Test
    void messageOfExactlyTheSizeLimitIsAccepted() throws DecodeException {
      byte[] encoded = WireCodec.encode(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK));
      byte[] padded = new byte[WireCodec.MESSAGE_SIZE_MAX_BYTES];
      java.util.Arrays.fill(padded, (byte) ' ');
      System.arraycopy(encoded, 0, padded, 0, encoded.length);

      assertEquals(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK), WireCodec.decode(padded));
    }

    @Test
    void theLargestLegalResponseStaysUnderTheSizeLimit() throws DecodeException {
      String longestName = "b".repeat(32);
      String worstReason = "\u0001".repeat(Response.REASON_LENGTH_MAX);
      Response largest = new Response(TRANSFER_ID, longestName, longestName, Outcome.REJECTED,
          RejectCause.INSUFFICIENT_FUNDS, worstReason, Integer.MAX_VALUE);

      byte[] encoded = WireCodec.encode(largest);

      assertTrue(encoded.length <= WireCodec.MESSAGE_SIZE_MAX_BYTES, encoded.length + " bytes");
      assertEquals(largest, WireCodec.decode(encoded));
    }
  }

  @Nested
  class MalformedInput {
    @Test
    void emptyBytesAreRefused() {
      DecodeException refusal = refused(new byte[0]);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertEquals("empty message", refusal.refusal().message());
      assertNull(refusal.transferId());
      assertEquals(Code.MALFORMED, assertThrows(DecodeException.class, () -> WireCodec.decode(null)).refusal().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{", "{\"v\":1,", "{'v':1}", "{v:1}", "\u0000", "{\"v\":1}}", "{\"v\":01}",
        "{\"v\":NaN}"})
    void textThatIsNotJsonIsRefused(String text) {
      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().startsWith("not valid JSON"), refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"v\":1}]", "\"POSTING\"", "1", "null", "true", "   "})
    void jsonThatIsNotAnObjectIsRefused(String text) {
      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertEquals("message must be a JSON object", refusal.refusal().message());
    }

    @Test
    void trailingContentAfterTheObjectIsRefused() {
      String valid = new String(bytes(posting()), UTF_8);

      DecodeException secondObject = refused(valid + "{}");
      assertEquals(Code.MALFORMED, secondObject.refusal().code());
      assertEquals("trailing content after the JSON object", secondObject.refusal().message());
      assertEquals(Code.MALFORMED, refused(valid + "garbage").refusal().code());
      assertEquals(Code.MALFORMED, refused(valid + "1").refusal().code());
      assertEquals(Code.MALFORMED, refused(valid + valid).refusal().code());
    }

    @Test
    void messageOverTheSizeLimitIsRefusedWithoutParsing() {
      byte[] oversized = new byte[WireCodec.MESSAGE_SIZE_MAX_BYTES + 1];
      java.util.Arrays.fill(oversized, (byte) ' ');
      byte[] encoded = bytes(posting());
      System.arraycopy(encoded, 0, oversized, 0, encoded.length);

      DecodeException refusal = refused(oversized);

      assertEquals(Code.TOO_LARGE, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("4097 bytes"), refusal.refusal().message());
      assertNull(refusal.transferId(), "nothing is read from an oversized message");
    }

    @Test
    void missingVersionIsRefused() {
      ObjectNode message = posting();
      message.remove("v");

      assertRefused(message, Code.MALFORMED, "'v' is required");
    }

    @Test
    void otherVersionIsUnsupported() {
      ObjectNode message = posting();
      message.put("v", 2);

      assertRefused(message, Code.UNSUPPORTED_VERSION, "version 2");
    }

    @Test
    void versionOfTheWrongTypeIsRefused() {
      ObjectNode textVersion = posting();
      textVersion.put("v", "1");
      ObjectNode floatVersion = posting();
      floatVersion.put("v", 1.0);

      assertRefused(textVersion, Code.MALFORMED, "'v' must be an integer");
      assertRefused(floatVersion, Code.MALFORMED, "'v' must be an integer");
    }

    @Test
    void unknownKindIsRefused() {
      ObjectNode message = posting();
      message.put("kind", "SUBMIT");

      assertRefused(message, Code.UNKNOWN_KIND, "kind 'SUBMIT'");
    }

    @Test
    void kindIsCaseSensitive() {
      ObjectNode message = posting();
      message.put("kind", "posting");

      assertRefused(message, Code.UNKNOWN_KIND, "'posting'");
    }

    @Test
    void missingKindIsRefused() {
      ObjectNode message = posting();
      message.remove("kind");

      assertRefused(message, Code.MALFORMED, "'kind' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"producer", "consumer", "payer", "payee", "amount", "currency", "attempt"})
    void postingWithoutARequiredFieldIsRefused(String field) {
      ObjectNode message = posting();
      message.remove(field);

      assertRefused(message, Code.MALFORMED, "'" + field + "' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"producer", "consumer", "outcome", "attempt"})
    void responseWithoutARequiredFieldIsRefused(String field) {
      ObjectNode message = rejectedResponse();
      message.remove(field);

      assertRefused(message, Code.MALFORMED, "'" + field + "' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"producer", "consumer", "outcome"})
    void confirmWithoutARequiredFieldIsRefused(String field) {
      ObjectNode message = confirm();
      message.remove(field);

      assertRefused(message, Code.MALFORMED, "'" + field + "' is required");
    }

    @Test
    void requiredFieldSetToNullIsRefused() {
      ObjectNode message = posting();
      message.putNull("payee");

      assertRefused(message, Code.MALFORMED, "'payee' is required");
    }

    @Test
    void missingTransferIdIsRefusedAndReportedAsUnreadable() {
      ObjectNode message = posting();
      message.remove("transferId");

      DecodeException refusal = refused(bytes(message));
      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("'transferId' is required"), refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @Test
    void extraFieldIsRefused() {
      ObjectNode message = posting();
      message.put("priority", "high");

      assertRefused(message, Code.MALFORMED, "unknown field 'priority'");
    }

    @Test
    void fieldOfAnotherKindIsRefusedAsExtra() {
      ObjectNode confirmWithAttempt = confirm();
      confirmWithAttempt.put("attempt", 1);
      ObjectNode postingWithOutcome = posting();
      postingWithOutcome.put("outcome", "OK");

      assertRefused(confirmWithAttempt, Code.MALFORMED, "unknown field 'attempt'");
      assertRefused(postingWithOutcome, Code.MALFORMED, "unknown field 'outcome'");
    }

    @Test
    void confirmWithACauseIsRefused() {
      ObjectNode message = confirm();
      message.put("cause", "OVER_LIMIT");

      assertRefused(message, Code.MALFORMED, "unknown field 'cause'");
    }

    @Test
    void numberWhereAStringIsExpectedIsRefused() {
      ObjectNode numericPayer = posting();
      numericPayer.put("payer", 12345);
      ObjectNode numericAmount = posting();
      numericAmount.put("amount", 12.5);

      assertRefused(numericPayer, Code.MALFORMED, "'payer' must be a string, got NUMBER");
      assertRefused(numericAmount, Code.MALFORMED, "'amount' must be a string, got NUMBER");
    }

    @Test
    void objectArrayOrBooleanWhereAStringIsExpectedIsRefused() {
      ObjectNode objectProducer = posting();
      objectProducer.putObject("producer").put("name", "bank-a");
      ObjectNode arrayConsumer = posting();
      arrayConsumer.putArray("consumer").add("bank-b");
      ObjectNode booleanKind = posting();
      booleanKind.put("kind", true);

      assertRefused(objectProducer, Code.MALFORMED, "'producer' must be a string, got OBJECT");
      assertRefused(arrayConsumer, Code.MALFORMED, "'consumer' must be a string, got ARRAY");
      assertRefused(booleanKind, Code.MALFORMED, "'kind' must be a string, got BOOLEAN");
    }

    @Test
    void stringWhereAnIntegerIsExpectedIsRefused() {
      ObjectNode message = posting();
      message.put("attempt", "1");

      assertRefused(message, Code.MALFORMED, "'attempt' must be an integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1.0", "1e0", "3000000000", "-9999999999999999999999"})
    void attemptThatIsNotAnIntIsRefused(String attempt) {
      String text = new String(bytes(posting()), UTF_8).replace("\"attempt\":1", "\"attempt\":" + attempt);

      DecodeException refusal = refused(text);
      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("'attempt' must be an integer"), refusal.refusal().message());
      assertEquals(TRANSFER_ID, refusal.transferId());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void attemptBelowOneIsRefused(int attempt) {
      ObjectNode postingMessage = posting();
      postingMessage.put("attempt", attempt);
      ObjectNode responseMessage = rejectedResponse();
      responseMessage.put("attempt", attempt);

      assertRefused(postingMessage, Code.MALFORMED, "attempt must be at least 1");
      assertRefused(responseMessage, Code.MALFORMED, "attempt must be at least 1");
    }

    @Test
    void duplicateKeysAreRefused() {
      String text = new String(bytes(posting()), UTF_8).replace("\"payee\":\"bob\"",
          "\"payee\":\"bob\",\"payee\":\"mallory\"");

      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("Duplicate field 'payee'"), refusal.refusal().message());
    }

    @Test
    void duplicateVersionKeyIsRefused() {
      String text = new String(bytes(confirm()), UTF_8).replace("{\"v\":1,", "{\"v\":1,\"v\":1,");

      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("'v'"), refusal.refusal().message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0190A6B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B", "0190a6b27c3d7e4f8a5b6c7d8e9f0a1b",
        "{0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b}", "1-1-1-1-1", "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1", "",
        " 0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1bb"})
    void nonCanonicalTransferIdIsRefusedAndUnreadable(String transferId) {
      ObjectNode message = posting();
      message.put("transferId", transferId);

      DecodeException refusal = refused(bytes(message));

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("transferId must be a lower-case canonical UUID"),
          refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @Test
    void numericTransferIdIsRefused() {
      ObjectNode message = posting();
      message.put("transferId", 12345);

      DecodeException refusal = refused(bytes(message));
      assertTrue(refusal.refusal().message().contains("'transferId' must be a string"), refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bank-A", "bank.a", "bank-*", "bank->", "", "-bank", "bank a",
        "a-name-that-is-longer-than-32-chars", "bänk"})
    void badParticipantNamesAreRefused(String name) {
      ObjectNode postingMessage = posting();
      postingMessage.put("producer", name);
      ObjectNode confirmMessage = confirm();
      confirmMessage.put("consumer", name);

      assertRefused(postingMessage, Code.MALFORMED, "producer must be a participant name");
      assertRefused(confirmMessage, Code.MALFORMED, "consumer must be a participant name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "al ice", "_alice", ".alice", "alice*", "alice>", "a/b", "ålice"})
    void badAccountNamesAreRefused(String account) {
      ObjectNode message = posting();
      message.put("payee", account);

      assertRefused(message, Code.MALFORMED, "payee must be an account id");
    }

    @Test
    void accountNameLongerThanTheLimitIsRefused() {
      ObjectNode message = posting();
      message.put("payer", "a".repeat(65));

      assertRefused(message, Code.MALFORMED, "payer must be an account id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-12.50", "0", "0.00", "12.505", "NaN", "Infinity", "1e3", "+1", " 1", "1.", ".5",
        "1000000000.01", "", "000000000000000000000000000000001"})
    void badAmountsAreRefusedAsInvalidAmount(String amount) {
      ObjectNode message = posting();
      message.put("amount", amount);

      assertRefused(message, Code.INVALID_AMOUNT, "amount");
    }

    @Test
    void decimalsInYenAreRefusedAsInvalidAmount() {
      ObjectNode message = posting();
      message.put("currency", "JPY");

      assertRefused(message, Code.INVALID_AMOUNT, "more than 0 decimals allowed for JPY");
    }

    @Test
    void unknownCurrencyIsRefused() {
      ObjectNode message = posting();
      message.put("currency", "XBT");

      assertRefused(message, Code.MALFORMED, "unknown currency 'XBT'");
    }

    @Test
    void rejectionWithoutACauseIsRefused() {
      ObjectNode message = rejectedResponse();
      message.remove("cause");

      assertRefused(message, Code.MALFORMED, "cause is required for REJECTED");
    }

    @Test
    void okWithACauseIsRefused() {
      ObjectNode okWithCause = rejectedResponse();
      okWithCause.put("outcome", "OK");
      ObjectNode ackWithCause = rejectedResponse();
      ackWithCause.put("outcome", "ACK");

      assertRefused(okWithCause, Code.MALFORMED, "cause is required for REJECTED and only for REJECTED");
      assertRefused(ackWithCause, Code.MALFORMED, "cause is required for REJECTED and only for REJECTED");
    }

    @Test
    void unknownCauseOrOutcomeIsRefused() {
      ObjectNode unknownCause = rejectedResponse();
      unknownCause.put("cause", "BORED");
      ObjectNode unknownOutcome = rejectedResponse();
      unknownOutcome.put("outcome", "MAYBE");

      assertRefused(unknownCause, Code.MALFORMED, "'cause' must be one of");
      assertRefused(unknownOutcome, Code.MALFORMED, "'outcome' must be one of [ACK, OK, REJECTED], got 'MAYBE'");
    }

    @Test
    void confirmOfAnAckIsRefused() {
      ObjectNode message = confirm();
      message.put("outcome", "ACK");

      assertRefused(message, Code.MALFORMED, "only a final outcome can be confirmed, got ACK");
    }

    @Test
    void reasonLongerThanTheLimitIsRefused() {
      ObjectNode atLimit = rejectedResponse();
      atLimit.put("reason", "r".repeat(Response.REASON_LENGTH_MAX));
      ObjectNode overLimit = rejectedResponse();
      overLimit.put("reason", "r".repeat(Response.REASON_LENGTH_MAX + 1));

      assertEquals(Response.REASON_LENGTH_MAX,
          ((Response) assertDecodes(bytes(atLimit))).reason().length());
      assertRefused(overLimit, Code.MALFORMED, "reason is longer than 200 characters");
    }

    @Test
    void deeplyNestedValueIsRefused() {
      String nested = "[".repeat(50) + "]".repeat(50);
      String text = new String(bytes(posting()), UTF_8).replace("\"attempt\":1", "\"attempt\":" + nested);

      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("nesting depth"), refusal.refusal().message());
      assertNull(refusal.transferId(), "the tree was never built");
    }

    @Test
    void shallowlyNestedExtraFieldIsRefusedByName() {
      ObjectNode message = posting();
      message.putObject("extra").putObject("inner").put("deeper", 1);

      assertRefused(message, Code.MALFORMED, "unknown field 'extra'");
    }

    @Test
    void stringLongerThanTheParserLimitIsRefused() {
      ObjectNode message = rejectedResponse();
      message.put("reason", "r".repeat(2_000));

      DecodeException refusal = refused(bytes(message));

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().startsWith("not valid JSON"), refusal.refusal().message());
    }

    @Test
    void veryLongValuesAndNamesAreAbbreviatedInTheRefusal() {
      ObjectNode longKind = posting();
      longKind.put("kind", "K".repeat(1_000));
      ObjectNode longFieldName = posting();
      longFieldName.put("f".repeat(1_000), 1);
      ObjectNode longPayee = posting();
      longPayee.put("payee", "p".repeat(1_000));

      for (ObjectNode message : new ObjectNode[] {longKind, longFieldName, longPayee}) {
        DecodeException refusal = refused(bytes(message));
        assertTrue(refusal.refusal().message().length() < 200,
            "refusal messages stay short: " + refusal.refusal().message());
        assertTrue(refusal.refusal().message().contains("..."), refusal.refusal().message());
      }
    }

    @Test
    void invalidUtf8IsRefused() {
      byte[] text = bytes(posting());
      String asText = new String(text, UTF_8);
      int payee = asText.indexOf("bob");
      text[payee] = (byte) 0xC3;
      text[payee + 1] = (byte) 0x28;

      DecodeException refusal = refused(text);

      assertEquals(Code.MALFORMED, refusal.refusal().code());
    }

    @Test
    void transferIdIsReportedWheneverItWasReadable() {
      ObjectNode wrongVersion = posting();
      wrongVersion.put("v", 99);
      ObjectNode badAmount = posting();
      badAmount.put("amount", "-1");
      ObjectNode unknownKind = posting();
      unknownKind.put("kind", "NOPE");

      assertEquals(TRANSFER_ID, refused(bytes(wrongVersion)).transferId());
      assertEquals(TRANSFER_ID, refused(bytes(badAmount)).transferId());
      assertEquals(TRANSFER_ID, refused(bytes(unknownKind)).transferId());
      assertNull(refused("{\"v\":1,\"kind\":\"POSTING\"}").transferId());
      assertNull(refused("not json " + TRANSFER_ID_TEXT).transferId());
    }

    @Test
    void decodeExceptionMessageCarriesCodeAndCause() {
      ObjectNode message = posting();
      message.put("v", 3);

      DecodeException refusal = refused(bytes(message));

      assertEquals("UNSUPPORTED_VERSION: field 'v': version 3 is not supported, expected 1", refusal.getMessage());
    }
  }

  private static ProtocolMessage assertDecodes(byte[] bytes) {
    try {
      return WireCodec.decode(bytes);
    } catch (DecodeException e) {
      throw new AssertionError("expected a valid message, got " + e.getMessage(), e);
    }
  }

  @Test
  void encodingIsStableAcrossRoundTrips() throws DecodeException {
    for (ProtocolMessage message : everyMessageKind().toList()) {
      byte[] once = WireCodec.encode(message);
      assertArrayEquals(once, WireCodec.encode(WireCodec.decode(once)));
    }
  }
}

package io.natsbank.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ApiRequest;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private static final long CREATED_AT_MILLIS = 1_700_000_000_123L;
  private static final SubmitRequest SUBMIT =
      new SubmitRequest(TRANSFER_ID, "bank-b", "alice", "bob", Money.parsePositive("99.99", Currency.CHF));

  private static final TransferTerms TERMS = SUBMIT.termsAt("bank-a");

  static Stream<ApiReply> everyReply() {
    return Stream.of(
        new ApiReply(Result.ACCEPTED, pending(), null),
        new ApiReply(Result.ACCEPTED, new ProducerTransfer(TRANSFER_ID, TERMS, TransferStatus.REJECTED,
            RejectCause.INSUFFICIENT_FUNDS, "payer balance does not cover 99.99 CHF", false, 0, 0,
            CREATED_AT_MILLIS, CREATED_AT_MILLIS), null),
        new ApiReply(Result.DUPLICATE, new ProducerTransfer(TRANSFER_ID, TERMS, TransferStatus.ACKED, null, null,
            true, 3, CREATED_AT_MILLIS + 60_000, CREATED_AT_MILLIS, 0), null),
        new ApiReply(Result.FOUND, new ProducerTransfer(TRANSFER_ID, TERMS, TransferStatus.OK, null, null, true, 2,
            CREATED_AT_MILLIS + 400, CREATED_AT_MILLIS, CREATED_AT_MILLIS + 450), null),
        new ApiReply(Result.FOUND, new ProducerTransfer(TRANSFER_ID, TERMS, TransferStatus.REJECTED,
            RejectCause.OVER_LIMIT, "amount is over the payee's limit of 10.00", true, 1, CREATED_AT_MILLIS + 100,
            CREATED_AT_MILLIS, CREATED_AT_MILLIS + 90), null),
        new ApiReply(Result.NOT_FOUND, null, null),
        ApiReply.refused(new Refusal(Code.UNKNOWN_ACCOUNT, "payer account 'alice' does not exist")),
        ApiReply.refused(new Refusal(Code.BUSY, "submit queue is full, retry later")));
  }

  private static ProducerTransfer pending() {
    return new ProducerTransfer(TRANSFER_ID, TERMS, TransferStatus.PENDING, null, null, true, 1,
        CREATED_AT_MILLIS + 80, CREATED_AT_MILLIS, 0);
  }

  private static ObjectNode submit() {
    try {
      return (ObjectNode) JSON.readTree(ApiCodec.encodeSubmit(SUBMIT));
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

  private static DecodeException refused(ObjectNode request) {
    return assertThrows(DecodeException.class, () -> ApiCodec.decodeRequest(bytes(request)));
  }

  private static void assertRefused(ObjectNode request, Code code, String named) {
    DecodeException refusal = refused(request);
    assertEquals(code, refusal.refusal().code(), refusal.getMessage());
    assertTrue(refusal.refusal().message().contains(named),
        "the message should name '" + named + "': " + refusal.refusal().message());
  }

  @Nested
  class Requests {
    @Test
    void submitDecodesToItselfAfterEncoding() throws DecodeException {
      assertEquals(new ApiRequest.Submit(SUBMIT), ApiCodec.decodeRequest(ApiCodec.encodeSubmit(SUBMIT)));
      assertEquals(TRANSFER_ID, ApiCodec.decodeRequest(ApiCodec.encodeSubmit(SUBMIT)).transferId());
    }

    @Test
    void statusDecodesToItselfAfterEncoding() throws DecodeException {
      assertEquals(new ApiRequest.Status(TRANSFER_ID), ApiCodec.decodeRequest(ApiCodec.encodeStatus(TRANSFER_ID)));
    }

    @Test
    void submitHasTheDocumentedWireForm() {
      assertEquals("{\"v\":1,\"kind\":\"SUBMIT\",\"transferId\":\"" + TRANSFER_ID + "\",\"consumer\":\"bank-b\","
          + "\"payer\":\"alice\",\"payee\":\"bob\",\"amount\":\"99.99\",\"currency\":\"CHF\"}",
          new String(ApiCodec.encodeSubmit(SUBMIT), UTF_8));
      assertEquals("{\"v\":1,\"kind\":\"STATUS\",\"transferId\":\"" + TRANSFER_ID + "\"}",
          new String(ApiCodec.encodeStatus(TRANSFER_ID), UTF_8));
    }

    @Test
    void submitAmountIsNormalisedToTheCurrencyScale() throws DecodeException {
      ObjectNode request = submit();
      request.put("amount", "5");

      ApiRequest.Submit decoded = (ApiRequest.Submit) ApiCodec.decodeRequest(bytes(request));

      assertEquals("5.00", decoded.request().amount().text());
    }

    @Test
    void protocolKindIsUnknownToTheApi() {
      ObjectNode request = submit();
      request.put("kind", "POSTING");

      DecodeException refusal = refused(request);
      assertEquals(Code.UNKNOWN_KIND, refusal.refusal().code());
      assertEquals("unknown request kind 'POSTING', expected SUBMIT or STATUS", refusal.refusal().message());
      assertEquals(TRANSFER_ID, refusal.transferId());
    }

    @Test
    void otherVersionIsUnsupported() {
      ObjectNode request = submit();
      request.put("v", 0);

      assertRefused(request, Code.UNSUPPORTED_VERSION, "version 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"transferId", "consumer", "payer", "payee", "amount", "currency"})
    void submitWithoutARequiredFieldIsRefused(String field) {
      ObjectNode request = submit();
      request.remove(field);

      assertRefused(request, Code.MALFORMED, "'" + field + "' is required");
    }

    @Test
    void submitNamingTheProducerIsRefusedAsExtra() {
      ObjectNode request = submit();
      request.put("producer", "bank-a");

      assertRefused(request, Code.MALFORMED, "unknown field 'producer'");
    }

    @Test
    void statusWithSubmitFieldsIsRefused() {
      ObjectNode request = submit();
      request.put("kind", "STATUS");

      assertRefused(request, Code.MALFORMED, "unknown field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "0.00", "1.001", "NaN", "1e2", "1000000000.01"})
    void badAmountIsRefusedAsInvalidAmountWithTheTransferId(String amount) {
      ObjectNode request = submit();
      request.put("amount", amount);

      DecodeException refusal = refused(request);
      assertEquals(Code.INVALID_AMOUNT, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("amount"), refusal.refusal().message());
      assertEquals(TRANSFER_ID, refusal.transferId());
    }

    @Test
    void badNamesAreRefused() {
      ObjectNode badConsumer = submit();
      badConsumer.put("consumer", "bank.b");
      ObjectNode badPayer = submit();
      badPayer.put("payer", "alice smith");

      assertRefused(badConsumer, Code.MALFORMED, "consumer must be a participant name");
      assertRefused(badPayer, Code.MALFORMED, "payer must be an account id");
    }

    @Test
    void upperCaseTransferIdIsRefusedAndUnreadable() {
      ObjectNode request = submit();
      request.put("transferId", TRANSFER_ID.toString().toUpperCase(java.util.Locale.ROOT));

      DecodeException refusal = refused(request);
      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("transferId"), refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @Test
    void duplicateKeysAreRefused() {
      String text = new String(ApiCodec.encodeSubmit(SUBMIT), UTF_8).replace("\"payee\":\"bob\"",
          "\"payee\":\"bob\",\"payee\":\"mallory\"");

      DecodeException refusal =
          assertThrows(DecodeException.class, () -> ApiCodec.decodeRequest(text.getBytes(UTF_8)));
      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().contains("'payee'"), refusal.refusal().message());
    }

    @Test
    void oversizedRequestIsRefused() {
      byte[] oversized = new byte[WireCodec.MESSAGE_SIZE_MAX_BYTES + 1];
      java.util.Arrays.fill(oversized, (byte) ' ');

      assertEquals(Code.TOO_LARGE,
          assertThrows(DecodeException.class, () -> ApiCodec.decodeRequest(oversized)).refusal().code());
    }
  }

  @Nested
  class Replies {
    @ParameterizedTest
    @MethodSource("io.natsbank.codec.ApiCodecTest#everyReply")
    void everyReplyDecodesToItselfAfterEncoding(ApiReply reply) throws DecodeException {
      assertEquals(reply, ApiCodec.decodeReply(ApiCodec.encodeReply(reply)));
    }

    @Test
    void everyResultIsCovered() {
      assertEquals(java.util.EnumSet.allOf(Result.class),
          everyReply().map(ApiReply::result).collect(java.util.stream.Collectors.toCollection(
              () -> java.util.EnumSet.noneOf(Result.class))));
    }

    @Test
    void replyShowsTimesAsInstantsAndAbsentTimesAsNull() throws java.io.IOException {
      ObjectNode encoded = (ObjectNode) JSON.readTree(ApiCodec.encodeReply(new ApiReply(Result.ACCEPTED, pending(),
          null)));

      assertEquals("REPLY", encoded.get("kind").asText());
      assertEquals("ACCEPTED", encoded.get("result").asText());
      assertEquals("2023-11-14T22:13:20.123Z", encoded.get("transfer").get("createdAt").asText());
      assertTrue(encoded.get("transfer").get("finishedAt").isNull());
      assertTrue(encoded.get("transfer").get("cause").isNull());
      assertEquals("PENDING", encoded.get("transfer").get("state").asText());
      assertEquals("99.99", encoded.get("transfer").get("amount").asText());
      assertTrue(!encoded.has("error"));
    }

    @Test
    void refusedReplyCarriesCodeAndMessage() throws java.io.IOException {
      ObjectNode encoded = (ObjectNode) JSON.readTree(
          ApiCodec.encodeReply(ApiReply.refused(new Refusal(Code.INVALID_AMOUNT, "amount must be greater than zero"))));

      assertEquals("REFUSED", encoded.get("result").asText());
      assertEquals("INVALID_AMOUNT", encoded.get("error").get("code").asText());
      assertEquals("amount must be greater than zero", encoded.get("error").get("message").asText());
      assertTrue(!encoded.has("transfer"));
    }

    @Test
    void replyNeedsAnErrorExactlyWhenRefused() {
      assertThrows(IllegalArgumentException.class, () -> new ApiReply(Result.REFUSED, null, null));
      assertThrows(IllegalArgumentException.class,
          () -> new ApiReply(Result.FOUND, pending(), new Refusal(Code.INTERNAL, "oops")));
      assertThrows(NullPointerException.class, () -> new ApiReply(null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"result\":\"MAYBE\"}",
        "{\"result\":\"REFUSED\"}", "{\"result\":\"FOUND\",\"error\":{\"code\":\"NOPE\",\"message\":\"x\"}}",
        "{\"result\":\"FOUND\",\"transfer\":{\"transferId\":\"x\"}}"})
    void unreadableReplyIsRefusedAsMalformed(String text) {
      DecodeException refusal =
          assertThrows(DecodeException.class, () -> ApiCodec.decodeReply(text.getBytes(UTF_8)));

      assertEquals(Code.MALFORMED, refusal.refusal().code());
      assertTrue(refusal.refusal().message().startsWith("unreadable reply"), refusal.refusal().message());
      assertNull(refusal.transferId());
    }

    @Test
    void replyReaderIgnoresFieldsItDoesNotKnow() throws DecodeException {
      String text = "{\"v\":1,\"kind\":\"REPLY\",\"result\":\"NOT_FOUND\",\"server\":\"bank-a-1\"}";

      assertEquals(new ApiReply(Result.NOT_FOUND, null, null), ApiCodec.decodeReply(text.getBytes(UTF_8)));
    }
  }
}

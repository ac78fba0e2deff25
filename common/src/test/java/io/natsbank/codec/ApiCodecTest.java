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
import io.natsbank.codec.ApiCodec.ReplyForm;
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
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
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
      assertEquals("unknown request kind 'POSTING', expected SUBMIT, SUBMIT_BATCH or STATUS",
          refusal.refusal().message());
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

  private static SubmitRequest submitNumber(int i) {
    return new SubmitRequest(new UUID(TRANSFER_ID.getMostSignificantBits(), i), "bank-b", "alice-" + i, "bob",
        Money.parsePositive(i + ".25", Currency.EUR));
  }

  private static List<SubmitRequest> submits(int count) {
    return IntStream.range(0, count).mapToObj(ApiCodecTest::submitNumber).toList();
  }

  private static ObjectNode batch(int count) {
    try {
      return (ObjectNode) JSON.readTree(ApiCodec.encodeSubmitBatch(submits(count)));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode element(ObjectNode batch, int index) {
    return (ObjectNode) batch.get("transfers").get(index);
  }

  @Nested
  class Batches {
    @Test
    void batchDecodesToItselfAfterEncodingInItsOrder() throws DecodeException {
      List<SubmitRequest> requests = submits(3);

      ApiRequest decoded = ApiCodec.decodeRequest(ApiCodec.encodeSubmitBatch(requests));

      assertEquals(new ApiRequest.SubmitBatch(requests), decoded);
      assertEquals(requests.getFirst().transferId(), decoded.transferId());
    }

    @Test
    void batchHasTheDocumentedWireForm() {
      assertEquals("{\"v\":1,\"kind\":\"SUBMIT_BATCH\",\"transfers\":[{\"transferId\":\"" + TRANSFER_ID
          + "\",\"consumer\":\"bank-b\",\"payer\":\"alice\",\"payee\":\"bob\",\"amount\":\"99.99\","
          + "\"currency\":\"CHF\"}]}", new String(ApiCodec.encodeSubmitBatch(List.of(SUBMIT)), UTF_8));
    }

    @Test
    void aBatchOfTheMostTransfersWithLongNamesFitsItsSizeLimitAndDecodes() throws DecodeException {
      String name = "a".repeat(64);
      List<SubmitRequest> requests = IntStream.range(0, ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX)
          .mapToObj(i -> new SubmitRequest(UUID.randomUUID(), "c".repeat(32), name, name,
              Money.parsePositive("123456789.99", Currency.EUR)))
          .toList();
      byte[] bytes = ApiCodec.encodeSubmitBatch(requests);

      assertTrue(bytes.length > WireCodec.MESSAGE_SIZE_MAX_BYTES, bytes.length + " bytes");
      assertTrue(bytes.length <= ApiCodec.SUBMIT_BATCH_SIZE_MAX_BYTES, bytes.length + " bytes");
      assertEquals(new ApiRequest.SubmitBatch(requests), ApiCodec.decodeRequest(bytes));
    }

    @Test
    void aBadTransferRefusesTheBatchNamingItsPlaceAndId() {
      ObjectNode request = batch(3);
      element(request, 1).put("amount", "-1");

      DecodeException refusal = refused(request);

      assertEquals(Code.INVALID_AMOUNT, refusal.refusal().code());
      assertTrue(refusal.refusal().message().startsWith("transfers[1]: "), refusal.refusal().message());
      assertEquals(submitNumber(1).transferId(), refusal.transferId());
    }

    @Test
    void aTransferWithAnUnknownFieldOrWithoutARequiredOneIsRefused() {
      ObjectNode extra = batch(2);
      element(extra, 0).put("producer", "bank-a");
      assertRefused(extra, Code.MALFORMED, "transfers[0]: unknown field 'producer'");

      ObjectNode missing = batch(2);
      element(missing, 1).remove("payer");
      assertRefused(missing, Code.MALFORMED, "transfers[1]: field 'payer' is required");
    }

    @Test
    void aBatchAskingForBriefRepliesSaysSoAndDecodesToItself() throws DecodeException {
      List<SubmitRequest> requests = submits(2);
      byte[] brief = ApiCodec.encodeSubmitBatch(requests, ReplyForm.BRIEF);

      assertTrue(new String(brief, UTF_8).startsWith("{\"v\":1,\"kind\":\"SUBMIT_BATCH\",\"replies\":\"BRIEF\","),
          new String(brief, UTF_8));
      assertEquals(new ApiRequest.SubmitBatch(requests, ReplyForm.BRIEF), ApiCodec.decodeRequest(brief));
      assertEquals(new ApiRequest.SubmitBatch(requests, ReplyForm.FULL),
          ApiCodec.decodeRequest(ApiCodec.encodeSubmitBatch(requests, ReplyForm.FULL)));
    }

    @Test
    void aBatchAskingForAnUnknownReplyFormIsRefused() {
      ObjectNode request = batch(1);
      request.put("replies", "TERSE");
      assertRefused(request, Code.MALFORMED, "field 'replies' must be one of [FULL, BRIEF], got 'TERSE'");
      request.put("replies", 1);
      assertRefused(request, Code.MALFORMED, "field 'replies'");
    }

    @Test
    void anEmptyBatchOrOneOfTooManyOrOfNonObjectsIsRefused() {
      ObjectNode empty = batch(1);
      empty.putArray("transfers");
      assertRefused(empty, Code.MALFORMED, "must hold 1 to 256 entries, got 0");

      ObjectNode tooMany = batch(1);
      for (int i = 1; i <= ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX; i++) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) tooMany.get("transfers")).add(element(tooMany, 0).deepCopy());
      }
      assertRefused(tooMany, Code.TOO_LARGE, "got 257");

      ObjectNode notObjects = batch(1);
      notObjects.putArray("transfers").add("x");
      assertRefused(notObjects, Code.MALFORMED, "transfers[0] must be an object");

      ObjectNode notArray = batch(1);
      notArray.put("transfers", "x");
      assertRefused(notArray, Code.MALFORMED, "field 'transfers' must be an array");
    }

    @Test
    void theEncoderRefusesWhatTheDecoderWould() {
      assertThrows(IllegalArgumentException.class, () -> ApiCodec.encodeSubmitBatch(List.of()));
      assertThrows(IllegalArgumentException.class,
          () -> ApiCodec.encodeSubmitBatch(submits(ApiCodec.SUBMIT_BATCH_TRANSFERS_MAX + 1)));
    }

    @Test
    void onlyABatchMayBeLargerThanAnyOtherMessage() {
      ObjectNode padded = submit();
      padded.put("payee", "b");
      String text = new String(bytes(padded), UTF_8).replace("{", "{" + " ".repeat(WireCodec.MESSAGE_SIZE_MAX_BYTES));
      DecodeException large =
          assertThrows(DecodeException.class, () -> ApiCodec.decodeRequest(text.getBytes(UTF_8)));
      assertEquals(Code.TOO_LARGE, large.refusal().code(), large.getMessage());
      assertEquals(TRANSFER_ID, large.transferId());

      byte[] overBatchLimit = new byte[ApiCodec.SUBMIT_BATCH_SIZE_MAX_BYTES + 1];
      java.util.Arrays.fill(overBatchLimit, (byte) ' ');
      assertEquals(Code.TOO_LARGE,
          assertThrows(DecodeException.class, () -> ApiCodec.decodeRequest(overBatchLimit)).refusal().code());
    }

    @Test
    void repliesDecodeToThemselvesInTheirOrder() throws DecodeException {
      List<ApiReply> replies = everyReply().toList();

      assertEquals(replies, ApiCodec.decodeReplies(ApiCodec.encodeReplies(replies), replies.size()));
    }

    @Test
    void briefRepliesCarryTheResultTheStateAndTheRefusalButNotTheTerms() throws DecodeException {
      List<ApiReply> replies = everyReply().toList();

      List<ApiReply> decoded = ApiCodec.decodeReplies(ApiCodec.encodeReplies(replies, ReplyForm.BRIEF), replies.size());

      assertEquals(replies.stream().map(ApiReply::brief).toList(), decoded);
      assertEquals(TransferStatus.REJECTED, decoded.get(1).state());
      assertEquals(null, decoded.get(1).transfer());
      assertEquals("{\"v\":1,\"kind\":\"REPLIES\",\"replies\":[{\"result\":\"ACCEPTED\",\"transferId\":\""
          + TRANSFER_ID + "\",\"state\":\"PENDING\"},{\"result\":\"REFUSED\",\"error\":{\"code\":\"BUSY\","
          + "\"message\":\"submit queue is full, retry later\"}}]}",
          new String(ApiCodec.encodeReplies(List.of(replies.getFirst(), replies.getLast()), ReplyForm.BRIEF), UTF_8));
    }

    @Test
    void aRefusalOfTheWholeBatchStandsForEachOfItsTransfers() throws DecodeException {
      ApiReply refused = ApiReply.refused(new Refusal(Code.MALFORMED, "transfers[2]: field 'payer' is required"));

      assertEquals(List.of(refused, refused, refused), ApiCodec.decodeReplies(ApiCodec.encodeReply(refused), 3));
    }

    @Test
    void repliesOfAnotherCountOrASingleAcceptanceAreUnreadable() {
      byte[] two = ApiCodec.encodeReplies(everyReply().limit(2).toList());
      DecodeException count = assertThrows(DecodeException.class, () -> ApiCodec.decodeReplies(two, 3));
      assertEquals(Code.MALFORMED, count.refusal().code());
      assertTrue(count.refusal().message().contains("expected 3 replies, got 2"), count.refusal().message());

      byte[] single = ApiCodec.encodeReply(new ApiReply(Result.ACCEPTED, pending(), null));
      assertEquals(Code.MALFORMED,
          assertThrows(DecodeException.class, () -> ApiCodec.decodeReplies(single, 1)).refusal().code());
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
    void aReplysStateIsItsTransfersWheneverItHasOne() {
      assertEquals(TransferStatus.PENDING, new ApiReply(Result.ACCEPTED, pending(), null).state());
      assertThrows(IllegalArgumentException.class,
          () -> new ApiReply(Result.ACCEPTED, pending(), TransferStatus.OK, null));
      assertThrows(IllegalArgumentException.class, () -> new ApiReply(Result.ACCEPTED, pending(), null, null));
      assertEquals(new ApiReply(Result.ACCEPTED, null, TransferStatus.PENDING, null),
          new ApiReply(Result.ACCEPTED, pending(), null).brief());
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

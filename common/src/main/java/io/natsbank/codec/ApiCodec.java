package io.natsbank.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.protocol.TransferTerms;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The JSON form of a producer's request/reply API: {@code SUBMIT}, {@code SUBMIT_BATCH} and
 * {@code STATUS} requests, and their replies ({@code REPLY}; {@code REPLIES} to a batch, one per
 * transfer in the batch's order). Requests are decoded strictly; replies are read leniently by clients.
 */
public final class ApiCodec {
  /** The most transfers one {@code SUBMIT_BATCH} carries. */
  public static final int SUBMIT_BATCH_TRANSFERS_MAX = 256;

  /**
   * The largest {@code SUBMIT_BATCH} accepted, in bytes: {@link #SUBMIT_BATCH_TRANSFERS_MAX} transfers
   * with long names. Every other request has the 4 KiB limit of every message.
   */
  public static final int SUBMIT_BATCH_SIZE_MAX_BYTES = 128 * 1024;

  private ApiCodec() {}

  /** A decoded API request. */
  public sealed interface ApiRequest {
    UUID transferId();

    record Submit(SubmitRequest request) implements ApiRequest {
      @Override
      public UUID transferId() {
        return request.transferId();
      }
    }

    /**
     * Many transfers in one request, answered by one reply once each of them is settled, in the form
     * the request asked for ({@link ReplyForm#FULL} unless it said otherwise).
     */
    record SubmitBatch(List<SubmitRequest> requests, ReplyForm replies) implements ApiRequest {
      public SubmitBatch(List<SubmitRequest> requests) {
        this(requests, ReplyForm.FULL);
      }

      public SubmitBatch {
        Objects.requireNonNull(replies, "replies");
        requests = List.copyOf(requests);
        if (requests.isEmpty() || requests.size() > SUBMIT_BATCH_TRANSFERS_MAX) {
          throw new IllegalArgumentException(
              "a batch holds 1 to " + SUBMIT_BATCH_TRANSFERS_MAX + " transfers, got " + requests.size());
        }
      }

      /** The first transfer's id: the one a refusal of the whole batch is logged under. */
      @Override
      public UUID transferId() {
        return requests.getFirst().transferId();
      }
    }

    record Status(UUID transferId) implements ApiRequest {}
  }

  /**
   * The form of the replies to a {@code SUBMIT_BATCH}, which its {@code replies} field names: each
   * reply with the stored transfer, as a {@code SUBMIT}'s (the default), or with only the transfer's id
   * and state, which is all a client that sent the terms needs and a quarter of the bytes to write and read.
   */
  public enum ReplyForm {
    FULL,
    BRIEF
  }

  /** How a request ended. */
  public enum Result {
    /** A new transfer was stored (its state may already be REJECTED, e.g. insufficient funds). */
    ACCEPTED,
    /** The same transfer was submitted before; the stored one is returned. */
    DUPLICATE,
    FOUND,
    NOT_FOUND,
    REFUSED
  }

  /**
   * A reply: a result, the transfer when there is one (a brief reply has only its state), the
   * refusal when refused. {@code state} is the transfer's state whenever the transfer is there.
   */
  public record ApiReply(Result result, ProducerTransfer transfer, TransferStatus state, Refusal error) {
    public ApiReply {
      Objects.requireNonNull(result, "result");
      if ((result == Result.REFUSED) != (error != null)) {
        throw new IllegalArgumentException("error is required for REFUSED and only for REFUSED");
      }
      if (transfer != null && state != transfer.status()) {
        throw new IllegalArgumentException("state " + state + " of a reply whose transfer is " + transfer.status());
      }
    }

    /** A reply with the whole transfer (or none), its state taken from it. */
    public ApiReply(Result result, ProducerTransfer transfer, Refusal error) {
      this(result, transfer, transfer == null ? null : transfer.status(), error);
    }

    /** What a brief reply says: the result, the state and the refusal, not the transfer's terms. */
    public ApiReply brief() {
      return transfer == null ? this : new ApiReply(result, null, state, error);
    }

    public static ApiReply refused(Refusal refusal) {
      return new ApiReply(Result.REFUSED, null, refusal);
    }
  }

  public static byte[] encodeSubmit(SubmitRequest request) {
    return StrictJson.write("SUBMIT", out -> writeSubmitFields(out, request));
  }

  /** One request for all of {@code requests} (1 to {@link #SUBMIT_BATCH_TRANSFERS_MAX}), answered in full. */
  public static byte[] encodeSubmitBatch(List<SubmitRequest> requests) {
    return encodeSubmitBatch(requests, ReplyForm.FULL);
  }

  /** One request for all of {@code requests}, answered in the {@code replies} form (the field is left out for FULL). */
  public static byte[] encodeSubmitBatch(List<SubmitRequest> requests, ReplyForm replies) {
    ApiRequest.SubmitBatch batch = new ApiRequest.SubmitBatch(requests, replies);
    return StrictJson.write("SUBMIT_BATCH", out -> {
      if (batch.replies() != ReplyForm.FULL) {
        out.writeStringField("replies", batch.replies().name());
      }
      out.writeArrayFieldStart("transfers");
      for (SubmitRequest request : batch.requests()) {
        out.writeStartObject();
        writeSubmitFields(out, request);
        out.writeEndObject();
      }
      out.writeEndArray();
    });
  }

  private static void writeSubmitFields(JsonGenerator out, SubmitRequest request) throws IOException {
    out.writeStringField("transferId", request.transferId().toString());
    out.writeStringField("consumer", request.consumer());
    out.writeStringField("payer", request.payer());
    out.writeStringField("payee", request.payee());
    out.writeStringField("amount", request.amount().text());
    out.writeStringField("currency", request.amount().currency().name());
  }

  private static SubmitRequest readSubmit(StrictJson json) throws DecodeException {
    return new SubmitRequest(json.transferId(), json.participant("consumer"), json.account("payer"),
        json.account("payee"), json.amount());
  }

  public static byte[] encodeStatus(UUID transferId) {
    return StrictJson.write("STATUS", out -> out.writeStringField("transferId", transferId.toString()));
  }

  public static ApiRequest decodeRequest(byte[] bytes) throws DecodeException {
    // only a SUBMIT_BATCH may be larger than any other message: anything else that large is refused for its size
    boolean large = bytes != null && bytes.length > StrictJson.MESSAGE_SIZE_MAX_BYTES;
    StrictJson json;
    String kind;
    try {
      json = StrictJson.parse(bytes, SUBMIT_BATCH_SIZE_MAX_BYTES);
      kind = json.text("kind");
    } catch (DecodeException e) {
      throw large && e.refusal().code() != Code.TOO_LARGE ? tooLarge(bytes.length, e.transferId()) : e;
    }
    if (large && !kind.equals("SUBMIT_BATCH")) {
      throw tooLarge(bytes.length, json.transferIdOrNull());
    }
    ApiRequest request;
    try {
      request = switch (kind) {
        case "SUBMIT" -> new ApiRequest.Submit(readSubmit(json));
        case "SUBMIT_BATCH" -> {
          ReplyForm replies = json.optionalEnumeration("replies", ReplyForm.class);
          List<SubmitRequest> requests = new ArrayList<>();
          for (StrictJson transfer : json.objects("transfers", SUBMIT_BATCH_TRANSFERS_MAX)) {
            try {
              requests.add(readSubmit(transfer));
            } catch (IllegalArgumentException e) {
              throw transfer.invalid(e);
            }
            transfer.requireNoOtherFields();
          }
          yield new ApiRequest.SubmitBatch(requests, replies == null ? ReplyForm.FULL : replies);
        }
        case "STATUS" -> new ApiRequest.Status(json.transferId());
        default -> throw json.refuse(Code.UNKNOWN_KIND,
            "unknown request kind '" + StrictJson.abbreviate(kind) + "', expected SUBMIT, SUBMIT_BATCH or STATUS");
      };
    } catch (IllegalArgumentException e) {
      throw json.invalid(e);
    }
    json.requireNoOtherFields();
    return request;
  }

  private static DecodeException tooLarge(int bytes, UUID transferId) {
    return StrictJson.refuse(Code.TOO_LARGE, "message of " + bytes + " bytes is over the limit of "
        + StrictJson.MESSAGE_SIZE_MAX_BYTES + " (" + SUBMIT_BATCH_SIZE_MAX_BYTES + " for a SUBMIT_BATCH)", transferId);
  }

  public static byte[] encodeReply(ApiReply reply) {
    return StrictJson.write("REPLY", out -> writeReplyFields(out, reply));
  }

  /** The answer to a {@code SUBMIT_BATCH}: one full reply per transfer, in the order of the request. */
  public static byte[] encodeReplies(List<ApiReply> replies) {
    return encodeReplies(replies, ReplyForm.FULL);
  }

  /**
   * The answer to a {@code SUBMIT_BATCH}: one reply per transfer, in the order of the request, in
   * {@code form}. A brief reply has the result, the transfer's id and state, and the refusal if refused.
   */
  public static byte[] encodeReplies(List<ApiReply> replies, ReplyForm form) {
    return StrictJson.write("REPLIES", out -> {
      out.writeArrayFieldStart("replies");
      for (ApiReply reply : replies) {
        out.writeStartObject();
        if (form == ReplyForm.BRIEF) {
          writeBriefReplyFields(out, reply);
        } else {
          writeReplyFields(out, reply);
        }
        out.writeEndObject();
      }
      out.writeEndArray();
    });
  }

  private static void writeReplyFields(JsonGenerator out, ApiReply reply) throws IOException {
    out.writeStringField("result", reply.result().name());
    if (reply.transfer() != null) {
      out.writeFieldName("transfer");
      writeTransfer(out, reply.transfer());
    }
    writeError(out, reply.error());
  }

  private static void writeBriefReplyFields(JsonGenerator out, ApiReply reply) throws IOException {
    out.writeStringField("result", reply.result().name());
    if (reply.transfer() != null) {
      out.writeStringField("transferId", reply.transfer().id().toString());
    }
    if (reply.state() != null) {
      out.writeStringField("state", reply.state().name());
    }
    writeError(out, reply.error());
  }

  private static void writeError(JsonGenerator out, Refusal error) throws IOException {
    if (error != null) {
      out.writeObjectFieldStart("error");
      out.writeStringField("code", error.code().name());
      out.writeStringField("message", error.message());
      out.writeEndObject();
    }
  }

  private static void writeTransfer(JsonGenerator out, ProducerTransfer transfer) throws IOException {
    TransferTerms terms = transfer.terms();
    out.writeStartObject();
    out.writeStringField("transferId", transfer.id().toString());
    out.writeStringField("producer", terms.producer());
    out.writeStringField("consumer", terms.consumer());
    out.writeStringField("payer", terms.payer());
    out.writeStringField("payee", terms.payee());
    out.writeStringField("amount", terms.amount().text());
    out.writeStringField("currency", terms.amount().currency().name());
    out.writeStringField("state", transfer.status().name());
    out.writeStringField("cause", transfer.cause() == null ? null : transfer.cause().name()); // null when none
    out.writeStringField("reason", transfer.reason());
    out.writeBooleanField("sent", transfer.sent());
    out.writeNumberField("attempts", transfer.attempts());
    out.writeStringField("nextAttemptAt", instant(transfer.nextAttemptAtMillis()));
    out.writeStringField("createdAt", instant(transfer.createdAtMillis()));
    out.writeStringField("finishedAt", instant(transfer.finishedAtMillis()));
    out.writeEndObject();
  }

  /** Reads a reply (client side). Throws DecodeException when the reply is not one. */
  public static ApiReply decodeReply(byte[] bytes) throws DecodeException {
    try {
      return readReply(StrictJson.MAPPER.readTree(bytes));
    } catch (IOException | RuntimeException e) {
      throw StrictJson.refuse(Code.MALFORMED, "unreadable reply: " + e.getMessage(), null);
    }
  }

  /**
   * Reads the answer to a {@code SUBMIT_BATCH} of {@code expected} transfers (client side): its
   * replies in the request's order, or the one reply that refused the whole request (malformed, too
   * large), repeated for each transfer. Throws DecodeException when it is neither, or holds another count.
   */
  public static List<ApiReply> decodeReplies(byte[] bytes, int expected) throws DecodeException {
    try {
      JsonNode root = StrictJson.MAPPER.readTree(bytes);
      if ("REPLY".equals(root.path("kind").asText())) {
        ApiReply whole = readReply(root);
        if (whole.result() != Result.REFUSED) {
          throw new IllegalArgumentException("a single " + whole.result() + " reply to a batch");
        }
        return Collections.nCopies(expected, whole);
      }
      JsonNode replies = root.get("replies");
      if (replies == null || !replies.isArray() || replies.size() != expected) {
        throw new IllegalArgumentException("expected " + expected + " replies, got "
            + (replies == null || !replies.isArray() ? "none" : replies.size()));
      }
      List<ApiReply> decoded = new ArrayList<>(expected);
      for (JsonNode reply : replies) {
        decoded.add(readReply(reply));
      }
      return decoded;
    } catch (IOException | RuntimeException e) {
      throw StrictJson.refuse(Code.MALFORMED, "unreadable replies: " + e.getMessage(), null);
    }
  }

  private static ApiReply readReply(JsonNode root) {
    Result result = Result.valueOf(root.path("result").asText());
    JsonNode error = root.get("error");
    Refusal refusal = error == null ? null
        : new Refusal(Code.valueOf(error.path("code").asText()), error.path("message").asText());
    JsonNode transfer = root.get("transfer");
    if (transfer != null) {
      return new ApiReply(result, readTransfer(transfer), refusal);
    }
    JsonNode state = root.get("state"); // a brief reply
    return new ApiReply(result, null, state == null ? null : TransferStatus.valueOf(state.asText()), refusal);
  }

  private static ProducerTransfer readTransfer(JsonNode node) {
    Currency currency = Currency.parse(node.path("currency").asText());
    TransferTerms terms = new TransferTerms(node.path("producer").asText(), node.path("consumer").asText(),
        node.path("payer").asText(), node.path("payee").asText(),
        Money.parsePositive(node.path("amount").asText(), currency));
    String cause = node.path("cause").isTextual() ? node.path("cause").asText() : null;
    return new ProducerTransfer(UUID.fromString(node.path("transferId").asText()), terms,
        TransferStatus.valueOf(node.path("state").asText()), cause == null ? null : RejectCause.valueOf(cause),
        node.path("reason").isTextual() ? node.path("reason").asText() : null, node.path("sent").asBoolean(),
        node.path("attempts").asInt(), millis(node.get("nextAttemptAt")), millis(node.get("createdAt")),
        millis(node.get("finishedAt")));
  }

  private static String instant(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
  }

  private static long millis(JsonNode node) {
    return node == null || !node.isTextual() ? 0 : Instant.parse(node.asText()).toEpochMilli();
  }
}

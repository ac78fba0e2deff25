package io.natsbank.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Objects;
import java.util.UUID;

/**
 * The JSON form of a producer's request/reply API: {@code SUBMIT} and {@code STATUS} requests, and
 * their replies. Requests are decoded strictly; replies are read leniently by clients.
 */
public final class ApiCodec {
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

    record Status(UUID transferId) implements ApiRequest {}
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

  /** A reply: a result, the transfer when there is one, the refusal when refused. */
  public record ApiReply(Result result, ProducerTransfer transfer, Refusal error) {
    public ApiReply {
      Objects.requireNonNull(result, "result");
      if ((result == Result.REFUSED) != (error != null)) {
        throw new IllegalArgumentException("error is required for REFUSED and only for REFUSED");
      }
    }

    public static ApiReply refused(Refusal refusal) {
      return new ApiReply(Result.REFUSED, null, refusal);
    }
  }

  public static byte[] encodeSubmit(SubmitRequest request) {
    ObjectNode object = StrictJson.newObject("SUBMIT");
    object.put("transferId", request.transferId().toString());
    object.put("consumer", request.consumer());
    object.put("payer", request.payer());
    object.put("payee", request.payee());
    object.put("amount", request.amount().text());
    object.put("currency", request.amount().currency().name());
    return StrictJson.bytes(object);
  }

  public static byte[] encodeStatus(UUID transferId) {
    ObjectNode object = StrictJson.newObject("STATUS");
    object.put("transferId", transferId.toString());
    return StrictJson.bytes(object);
  }

  public static ApiRequest decodeRequest(byte[] bytes) throws DecodeException {
    StrictJson json = StrictJson.parse(bytes);
    String kind = json.text("kind");
    ApiRequest request;
    try {
      request = switch (kind) {
        case "SUBMIT" -> new ApiRequest.Submit(new SubmitRequest(json.transferId(), json.participant("consumer"),
            json.account("payer"), json.account("payee"), json.amount()));
        case "STATUS" -> new ApiRequest.Status(json.transferId());
        default -> throw json.refuse(Code.UNKNOWN_KIND,
            "unknown request kind '" + StrictJson.abbreviate(kind) + "', expected SUBMIT or STATUS");
      };
    } catch (IllegalArgumentException e) {
      throw json.invalid(e);
    }
    json.requireNoOtherFields();
    return request;
  }

  public static byte[] encodeReply(ApiReply reply) {
    ObjectNode object = StrictJson.newObject("REPLY");
    object.put("result", reply.result().name());
    if (reply.transfer() != null) {
      object.set("transfer", transferObject(reply.transfer()));
    }
    if (reply.error() != null) {
      ObjectNode error = object.putObject("error");
      error.put("code", reply.error().code().name());
      error.put("message", reply.error().message());
    }
    return StrictJson.bytes(object);
  }

  private static ObjectNode transferObject(ProducerTransfer transfer) {
    ObjectNode object = StrictJson.MAPPER.createObjectNode();
    TransferTerms terms = transfer.terms();
    object.put("transferId", transfer.id().toString());
    object.put("producer", terms.producer());
    object.put("consumer", terms.consumer());
    object.put("payer", terms.payer());
    object.put("payee", terms.payee());
    object.put("amount", terms.amount().text());
    object.put("currency", terms.amount().currency().name());
    object.put("state", transfer.status().name());
    object.put("cause", transfer.cause() == null ? null : transfer.cause().name());
    object.put("reason", transfer.reason());
    object.put("sent", transfer.sent());
    object.put("attempts", transfer.attempts());
    object.put("nextAttemptAt", instant(transfer.nextAttemptAtMillis()));
    object.put("createdAt", instant(transfer.createdAtMillis()));
    object.put("finishedAt", instant(transfer.finishedAtMillis()));
    return object;
  }

  /** Reads a reply (client side). Throws DecodeException when the reply is not one. */
  public static ApiReply decodeReply(byte[] bytes) throws DecodeException {
    try {
      JsonNode root = StrictJson.MAPPER.readTree(bytes);
      Result result = Result.valueOf(root.path("result").asText());
      JsonNode error = root.get("error");
      Refusal refusal = error == null ? null
          : new Refusal(Code.valueOf(error.path("code").asText()), error.path("message").asText());
      JsonNode transfer = root.get("transfer");
      return new ApiReply(result, transfer == null ? null : readTransfer(transfer), refusal);
    } catch (IOException | RuntimeException e) {
      throw StrictJson.refuse(Code.MALFORMED, "unreadable reply: " + e.getMessage(), null);
    }
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

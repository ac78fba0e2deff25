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
    return StrictJson.write("SUBMIT", out -> {
      out.writeStringField("transferId", request.transferId().toString());
      out.writeStringField("consumer", request.consumer());
      out.writeStringField("payer", request.payer());
      out.writeStringField("payee", request.payee());
      out.writeStringField("amount", request.amount().text());
      out.writeStringField("currency", request.amount().currency().name());
    });
  }

  public static byte[] encodeStatus(UUID transferId) {
    return StrictJson.write("STATUS", out -> out.writeStringField("transferId", transferId.toString()));
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
    return StrictJson.write("REPLY", out -> {
      out.writeStringField("result", reply.result().name());
      if (reply.transfer() != null) {
        out.writeFieldName("transfer");
        writeTransfer(out, reply.transfer());
      }
      if (reply.error() != null) {
        out.writeObjectFieldStart("error");
        out.writeStringField("code", reply.error().code().name());
        out.writeStringField("message", reply.error().message());
        out.writeEndObject();
      }
    });
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

package io.natsbank.codec;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.TransferTerms;

/**
 * The JSON wire format of the three protocol messages: one object per NATS message with a version
 * field {@code v} and a {@code kind}; amounts as strings. Decoding is strict (see {@link StrictJson}).
 */
public final class WireCodec {
  public static final int MESSAGE_SIZE_MAX_BYTES = StrictJson.MESSAGE_SIZE_MAX_BYTES;

  /** The message kinds on the protocol subjects. */
  public enum Kind {
    POSTING,
    RESPONSE,
    CONFIRM
  }

  private WireCodec() {}

  public static Kind kindOf(ProtocolMessage message) {
    return switch (message) {
      case Posting posting -> Kind.POSTING;
      case Response response -> Kind.RESPONSE;
      case Confirm confirm -> Kind.CONFIRM;
    };
  }

  public static byte[] encode(ProtocolMessage message) {
    return StrictJson.write(kindOf(message).name(), out -> {
      out.writeStringField("transferId", message.transferId().toString());
      out.writeStringField("producer", message.producer());
      out.writeStringField("consumer", message.consumer());
      switch (message) {
        case Posting posting -> {
          TransferTerms terms = posting.terms();
          out.writeStringField("payer", terms.payer());
          out.writeStringField("payee", terms.payee());
          out.writeStringField("amount", terms.amount().text());
          out.writeStringField("currency", terms.amount().currency().name());
          out.writeNumberField("attempt", posting.attempt());
        }
        case Response response -> {
          out.writeStringField("outcome", response.outcome().name());
          if (response.cause() != null) {
            out.writeStringField("cause", response.cause().name());
          }
          if (response.reason() != null) {
            out.writeStringField("reason", response.reason());
          }
          out.writeNumberField("attempt", response.attempt());
        }
        case Confirm confirm -> out.writeStringField("outcome", confirm.outcome().name());
      }
    });
  }

  public static ProtocolMessage decode(byte[] bytes) throws DecodeException {
    StrictJson json = StrictJson.parse(bytes);
    Kind kind = kindField(json);
    ProtocolMessage message;
    try {
      message = switch (kind) {
        case POSTING -> new Posting(json.transferId(),
            new TransferTerms(json.participant("producer"), json.participant("consumer"), json.account("payer"),
                json.account("payee"), json.amount()),
            json.integer("attempt"));
        case RESPONSE -> new Response(json.transferId(), json.participant("producer"),
            json.participant("consumer"), json.enumeration("outcome", Outcome.class),
            json.optionalEnumeration("cause", RejectCause.class), json.optionalText("reason"),
            json.integer("attempt"));
        case CONFIRM -> new Confirm(json.transferId(), json.participant("producer"), json.participant("consumer"),
            json.enumeration("outcome", Outcome.class));
      };
    } catch (IllegalArgumentException e) {
      throw json.invalid(e);
    }
    json.requireNoOtherFields();
    return message;
  }

  private static Kind kindField(StrictJson json) throws DecodeException {
    String kind = json.text("kind");
    for (Kind known : Kind.values()) {
      if (known.name().equals(kind)) {
        return known;
      }
    }
    throw json.refuse(Code.UNKNOWN_KIND, "unknown message kind '" + StrictJson.abbreviate(kind) + "'");
  }
}

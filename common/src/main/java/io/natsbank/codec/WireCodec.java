package io.natsbank.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    ObjectNode object = StrictJson.newObject(kindOf(message).name());
    object.put("transferId", message.transferId().toString());
    object.put("producer", message.producer());
    object.put("consumer", message.consumer());
    switch (message) {
      case Posting posting -> {
        TransferTerms terms = posting.terms();
        object.put("payer", terms.payer());
        object.put("payee", terms.payee());
        object.put("amount", terms.amount().text());
        object.put("currency", terms.amount().currency().name());
        object.put("attempt", posting.attempt());
      }
      case Response response -> {
        object.put("outcome", response.outcome().name());
        if (response.cause() != null) {
          object.put("cause", response.cause().name());
        }
        if (response.reason() != null) {
          object.put("reason", response.reason());
        }
        object.put("attempt", response.attempt());
      }
      case Confirm confirm -> object.put("outcome", confirm.outcome().name());
    }
    return StrictJson.bytes(object);
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

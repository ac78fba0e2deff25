package io.natsbank.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Names;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * Strict reading of one JSON object: every field has the expected type, required fields are present,
 * unknown fields and duplicate keys are refused, and every refusal names the field at fault.
 */
final class StrictJson {
  /** The largest message accepted on any subject, in bytes. */
  static final int MESSAGE_SIZE_MAX_BYTES = 4096;

  /** A protocol message takes 200-300 bytes; the buffer grows if one is larger. */
  private static final int ENCODE_BUFFER_BYTES = 384;

  /** The wire format version this code reads and writes. */
  static final int VERSION = 1;

  /**
   * Duplicate keys are refused as the tree is built (each object's map already answers whether a key
   * was there), not by the parser's own detection, which kept a second set of every object's keys:
   * 3% of the consumer's CPU.
   */
  static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1024).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private final ObjectNode node;
  /** Where this object sits in the message, e.g. {@code transfers[3]}; null for the message itself. */
  private final String where;
  /**
   * The fields read so far, for {@link #requireNoOtherFields}: a list, as an object has a dozen fields
   * at most, whose names the parser interns, so each lookup is a few reference comparisons.
   */
  private final List<String> read = new ArrayList<>(16);
  private UUID transferId;

  private StrictJson(ObjectNode node, String where) {
    this.node = node;
    this.where = where;
  }

  /** Parses bytes into a strict reader, checking size, syntax, object shape and version. */
  static StrictJson parse(byte[] bytes) throws DecodeException {
    return parse(bytes, MESSAGE_SIZE_MAX_BYTES);
  }

  /** {@link #parse(byte[])} with a size limit of its own, for the one request that carries many transfers. */
  static StrictJson parse(byte[] bytes, int sizeMaxBytes) throws DecodeException {
    if (bytes == null || bytes.length == 0) {
      throw refuse(Code.MALFORMED, "empty message", null);
    }
    if (bytes.length > sizeMaxBytes) {
      throw refuse(Code.TOO_LARGE, "message of " + bytes.length + " bytes is over the limit of " + sizeMaxBytes, null);
    }
    JsonNode tree;
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      tree = MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        throw refuse(Code.MALFORMED, "trailing content after the JSON object", null);
      }
    } catch (IOException e) {
      throw refuse(Code.MALFORMED, "not valid JSON: " + firstLine(e.getMessage()), null);
    }
    if (!(tree instanceof ObjectNode object)) {
      throw refuse(Code.MALFORMED, "message must be a JSON object", null);
    }
    StrictJson json = new StrictJson(object, null);
    json.tryReadTransferId();
    int version = json.integer("v");
    if (version != VERSION) {
      throw json.refuse(Code.UNSUPPORTED_VERSION,
          "field 'v': version " + version + " is not supported, expected " + VERSION);
    }
    return json;
  }

  private void tryReadTransferId() {
    JsonNode value = node.get("transferId");
    if (value != null && value.isTextual()) {
      try {
        transferId = Names.transferId(value.textValue());
      } catch (IllegalArgumentException ignored) {
        // reported when the field is read
      }
    }
  }

  UUID transferIdOrNull() {
    return transferId;
  }

  /**
   * Reads field {@code field} as an array of 1 to {@code max} objects, each read as strictly as a
   * message (its refusals name it: {@code field[i]}) except that it has no version of its own.
   */
  List<StrictJson> objects(String field, int max) throws DecodeException {
    read.add(field);
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' is required");
    }
    if (!value.isArray()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' must be an array, got " + value.getNodeType());
    }
    if (value.isEmpty() || value.size() > max) {
      throw refuse(value.isEmpty() ? Code.MALFORMED : Code.TOO_LARGE,
          "field '" + field + "' must hold 1 to " + max + " entries, got " + value.size());
    }
    List<StrictJson> objects = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      String at = field + "[" + i + "]";
      if (!(value.get(i) instanceof ObjectNode element)) {
        throw refuse(Code.MALFORMED, at + " must be an object, got " + value.get(i).getNodeType());
      }
      StrictJson json = new StrictJson(element, at);
      json.tryReadTransferId();
      objects.add(json);
    }
    return objects;
  }

  String text(String field) throws DecodeException {
    read.add(field);
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' must be a string, got " + value.getNodeType());
    }
    return value.textValue();
  }

  String optionalText(String field) throws DecodeException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      read.add(field);
      return null;
    }
    return text(field);
  }

  int integer(String field) throws DecodeException {
    read.add(field);
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' is required");
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw refuse(Code.MALFORMED, "field '" + field + "' must be an integer, got " + value);
    }
    return value.intValue();
  }

  UUID transferId() throws DecodeException {
    if (transferId != null) { // read when the object was parsed, to name it in refusals
      read.add("transferId");
      return transferId;
    }
    return parsed("transferId", Code.MALFORMED, Names::transferId);
  }

  String participant(String field) throws DecodeException {
    String value = text(field);
    try {
      return Names.participant(field, value);
    } catch (IllegalArgumentException e) {
      throw refuse(Code.MALFORMED, e.getMessage());
    }
  }

  String account(String field) throws DecodeException {
    String value = text(field);
    try {
      return Names.account(field, value);
    } catch (IllegalArgumentException e) {
      throw refuse(Code.MALFORMED, e.getMessage());
    }
  }

  /** Reads fields "amount" and "currency" as a positive amount. */
  Money amount() throws DecodeException {
    Currency currency = parsed("currency", Code.MALFORMED, Currency::parse);
    String amount = text("amount");
    try {
      return Money.parsePositive(amount, currency);
    } catch (IllegalArgumentException e) {
      throw refuse(Code.INVALID_AMOUNT, e.getMessage());
    }
  }

  <E extends Enum<E>> E enumeration(String field, Class<E> type) throws DecodeException {
    String value = text(field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    throw refuse(Code.MALFORMED, "field '" + field + "' must be one of "
        + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + abbreviate(value) + "'");
  }

  <E extends Enum<E>> E optionalEnumeration(String field, Class<E> type) throws DecodeException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      read.add(field);
      return null;
    }
    return enumeration(field, type);
  }

  /** Refuses fields this reader did not ask for. Call after reading every expected field. */
  void requireNoOtherFields() throws DecodeException {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        throw refuse(Code.MALFORMED, "unknown field '" + abbreviate(name) + "'");
      }
    }
  }

  interface Parser<T> {
    T parse(String text);
  }

  private <T> T parsed(String field, Code code, Parser<T> parser) throws DecodeException {
    String value = text(field);
    try {
      return parser.parse(value);
    } catch (IllegalArgumentException e) {
      throw refuse(code, e.getMessage());
    }
  }

  DecodeException refuse(Code code, String message) {
    return refuse(code, where == null ? message : where + ": " + message, transferId);
  }

  /** Wraps a constructor's validation failure as a refusal of the whole message. */
  DecodeException invalid(IllegalArgumentException e) {
    return refuse(Code.MALFORMED, e.getMessage());
  }

  static DecodeException refuse(Code code, String message, UUID transferId) {
    return new DecodeException(new Refusal(code, message), transferId);
  }

  static String abbreviate(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return abbreviate(newline < 0 ? message : message.substring(0, newline));
  }

  /** Writes the fields of one object after {@code v} and {@code kind}. */
  @FunctionalInterface
  interface FieldWriter {
    void write(JsonGenerator out) throws IOException;
  }

  /**
   * One object, {@code v} and {@code kind} first, streamed straight to bytes: no tree of nodes in
   * between, for the messages sent once per transfer and step. The bytes are those the tree gave.
   */
  static byte[] write(String kind, FieldWriter fields) {
    try (ByteArrayBuilder buffer = new ByteArrayBuilder(ENCODE_BUFFER_BYTES)) {
      try (JsonGenerator out = MAPPER.getFactory().createGenerator(buffer)) {
        out.writeStartObject();
        out.writeNumberField("v", VERSION);
        out.writeStringField("kind", kind);
        fields.write(out);
        out.writeEndObject();
      }
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a " + kind + " message", e);
    }
  }
}

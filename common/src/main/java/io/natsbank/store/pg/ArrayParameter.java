package io.natsbank.store.pg;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * One array parameter, a column of a batch statement or a list of keys, sent in PostgreSQL's binary
 * array format: the server copies each element's bytes ({@code array_recv}) where the text form had
 * it parse every element ({@code array_in}, 9% of the databases' CPU in a profile of the benchmark's
 * open loop), and the JVM writes numbers where it formatted and escaped strings.
 *
 * <p>pgjdbc sends a {@link PGBinaryObject} in binary only when the connection's
 * {@code binaryTransferEnable} lists its type, which {@link Database#open} does for every
 * {@link Element}; on any other connection it sends {@link #getValue()}, the text form, which the
 * server reads as before.
 */
public final class ArrayParameter extends PGobject implements PGBinaryObject {
  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01 00:00:00 UTC. */
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
  private static final int NUMERIC_POSITIVE = 0x0000;
  private static final int NUMERIC_NEGATIVE = 0x4000;
  private static final int DECIMAL_DIGITS_PER_NUMERIC_DIGIT = 4;

  /** The element types the stores bind, with PostgreSQL's type ids for the element and the array. */
  enum Element {
    UUID("uuid", 2950, 2951),
    TEXT("text", 25, 1009),
    NUMERIC("numeric", 1700, 1231),
    BOOL("bool", 16, 1000),
    INT4("int4", 23, 1007),
    INT8("int8", 20, 1016),
    /** Values are epoch milliseconds ({@code Long}). */
    TIMESTAMPTZ("timestamptz", 1184, 1185),
    /** Values are {@link RowLocation}s. */
    TID("tid", 27, 1010);

    final String typeName;
    final int oid;
    final int arrayOid;

    Element(String typeName, int oid, int arrayOid) {
      this.typeName = typeName;
      this.oid = oid;
      this.arrayOid = arrayOid;
    }

    static Element named(String typeName) {
      for (Element element : values()) {
        if (element.typeName.equals(typeName)) {
          return element;
        }
      }
      throw new IllegalArgumentException("no array parameter of element type '" + typeName + "'");
    }
  }

  /**
   * An array of {@code typeName} elements ("uuid", "text", "numeric", "bool", "int4", "int8",
   * "timestamptz", "tid"), for {@code PreparedStatement.setObject}; the values as for the constructor.
   */
  public static ArrayParameter of(String typeName, Object[] values) {
    return new ArrayParameter(Element.named(typeName), values);
  }

  /** What {@link Database#open} adds to {@code binaryTransferEnable}: every array type above. */
  static String binaryArrayOids() {
    StringBuilder oids = new StringBuilder();
    for (Element element : Element.values()) {
      oids.append(oids.isEmpty() ? "" : ",").append(element.arrayOid);
    }
    return oids.toString();
  }

  private final Element element;
  private final Object[] values;
  private byte[] encoded;

  /**
   * @param values the elements, each of the Java type of {@code element} (UUID, String, BigDecimal,
   *     Boolean, Integer, Long; Long epoch millis for timestamptz; RowLocation for tid) or null; kept, not copied
   */
  ArrayParameter(Element element, Object[] values) {
    this.element = element;
    this.values = values;
    this.type = "_" + element.typeName;
  }

  @Override
  public int lengthInBytes() {
    return binary().length;
  }

  @Override
  public void toBytes(byte[] bytes, int offset) {
    byte[] binary = binary();
    System.arraycopy(binary, 0, bytes, offset, binary.length);
  }

  @Override
  public void setByteValue(byte[] value, int offset) {
    throw new UnsupportedOperationException("an array parameter is only sent, never read back");
  }

  @Override
  public void setValue(String value) {
    throw new UnsupportedOperationException("an array parameter is built from its elements");
  }

  /** The text form, for a connection that does not send this type in binary. */
  @Override
  public String getValue() {
    StringBuilder text = new StringBuilder(values.length * 16 + 2).append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      Object value = values[i];
      if (value == null) {
        text.append("NULL");
        continue;
      }
      String element = switch (this.element) {
        case NUMERIC -> ((BigDecimal) value).toPlainString();
        case BOOL -> (Boolean) value ? "t" : "f";
        case TIMESTAMPTZ -> Instant.ofEpochMilli((Long) value).toString();
        default -> value.toString();
      };
      text.append('"');
      for (int c = 0; c < element.length(); c++) {
        char ch = element.charAt(c);
        if (ch == '"' || ch == '\\') {
          text.append('\\');
        }
        text.append(ch);
      }
      text.append('"');
    }
    return text.append('}').toString();
  }

  private byte[] binary() {
    if (encoded == null) {
      encoded = encode();
    }
    return encoded;
  }

  /**
   * One dimension, lower bound 1: {@code ndim, has-null flag, element type, length, lower bound},
   * then each element as its length (-1 for NULL) and its bytes; an empty array has no dimension.
   */
  private byte[] encode() {
    byte[][] elements = new byte[values.length][];
    int size = values.length == 0 ? 12 : 20;
    boolean hasNull = false;
    for (int i = 0; i < values.length; i++) {
      elements[i] = values[i] == null ? null : element(values[i]);
      hasNull |= elements[i] == null;
      size += 4 + (elements[i] == null ? 0 : elements[i].length);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(values.length == 0 ? 0 : 1).putInt(hasNull ? 1 : 0).putInt(element.oid);
    if (values.length > 0) {
      out.putInt(values.length).putInt(1);
    }
    for (byte[] bytes : elements) {
      if (bytes == null) {
        out.putInt(-1);
      } else {
        out.putInt(bytes.length).put(bytes);
      }
    }
    return out.array();
  }

  private byte[] element(Object value) {
    return switch (element) {
      case UUID -> {
        UUID id = (UUID) value;
        yield ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
            .array();
      }
      case TEXT -> ((String) value).getBytes(StandardCharsets.UTF_8);
      case NUMERIC -> numeric((BigDecimal) value);
      case BOOL -> new byte[] {(byte) ((Boolean) value ? 1 : 0)};
      case INT4 -> ByteBuffer.allocate(4).putInt((Integer) value).array();
      case INT8 -> ByteBuffer.allocate(8).putLong((Long) value).array();
      case TIMESTAMPTZ -> ByteBuffer.allocate(8)
          .putLong(Math.addExact(Math.multiplyExact((Long) value, 1000L), -POSTGRES_EPOCH_MICROS)).array();
      case TID -> {
        RowLocation location = (RowLocation) value;
        yield ByteBuffer.allocate(6).putInt((int) location.page()).putShort((short) location.item()).array();
      }
    };
  }

  /**
   * PostgreSQL's binary numeric: {@code ndigits, weight, sign, dscale}, then base-10,000 digits, most
   * significant first; the value is the sum of digit i times 10,000^(weight - i), and dscale is the
   * number of decimal digits after the point that the value shows (its scale here). Zero groups at
   * either end are allowed; the server strips them.
   */
  static byte[] numeric(BigDecimal value) {
    BigDecimal magnitude = value.abs();
    if (magnitude.scale() < 0) {
      magnitude = magnitude.setScale(0);
    }
    int scale = magnitude.scale();
    String digits = magnitude.unscaledValue().toString();
    int integerLength = digits.length() - scale;
    String integerPart = integerLength > 0 ? digits.substring(0, integerLength) : "";
    String fractionPart = integerLength > 0 ? digits.substring(integerLength) : "0".repeat(-integerLength) + digits;
    int integerGroups = (integerPart.length() + DECIMAL_DIGITS_PER_NUMERIC_DIGIT - 1) / DECIMAL_DIGITS_PER_NUMERIC_DIGIT;
    int fractionGroups = (fractionPart.length() + DECIMAL_DIGITS_PER_NUMERIC_DIGIT - 1) / DECIMAL_DIGITS_PER_NUMERIC_DIGIT;
    String padded = "0".repeat(integerGroups * DECIMAL_DIGITS_PER_NUMERIC_DIGIT - integerPart.length()) + integerPart
        + fractionPart + "0".repeat(fractionGroups * DECIMAL_DIGITS_PER_NUMERIC_DIGIT - fractionPart.length());
    int groups = integerGroups + fractionGroups;
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * groups);
    out.putShort((short) groups).putShort((short) (integerGroups - 1))
        .putShort((short) (value.signum() < 0 ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE)).putShort((short) scale);
    for (int group = 0; group < groups; group++) {
      int from = group * DECIMAL_DIGITS_PER_NUMERIC_DIGIT;
      out.putShort((short) Integer.parseInt(padded, from, from + DECIMAL_DIGITS_PER_NUMERIC_DIGIT, 10));
    }
    return out.array();
  }
}

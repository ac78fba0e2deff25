package io.natsbank.protocol;

import java.util.UUID;
import java.util.regex.Pattern;

/** Validation of the identifiers that appear in subjects and messages. */
public final class Names {
  /** A participant name is one NATS subject token: lower case letters, digits and dashes. */
  public static final Pattern PARTICIPANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  public static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Names() {}

  public static String participant(String field, String name) {
    if (name == null || !PARTICIPANT.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field + " must be a participant name matching " + PARTICIPANT.pattern() + ", got " + quote(name));
    }
    return name;
  }

  public static String account(String field, String account) {
    if (account == null || !ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException(
          field + " must be an account id matching " + ACCOUNT.pattern() + ", got " + quote(account));
    }
    return account;
  }

  /** Parses a transfer id: a UUID in canonical lower-case form (UUID.fromString alone is too lenient). */
  public static UUID transferId(String text) {
    if (text == null || !CANONICAL_UUID.matcher(text).matches()) {
      throw new IllegalArgumentException("transferId must be a lower-case canonical UUID, got " + quote(text));
    }
    return UUID.fromString(text);
  }

  static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shown + "'";
  }
}

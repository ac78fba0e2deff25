package io.natsbank.protocol;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validation of the identifiers that appear in subjects and messages. The patterns say what is
 * valid; the checks are plain loops that accept exactly what the patterns match, because they run
 * several times for every message (a regular expression match costs about a microsecond each).
 */
public final class Names {
  /** A participant name is one NATS subject token: lower case letters, digits and dashes. */
  public static final Pattern PARTICIPANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  public static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private Names() {}

  public static String participant(String field, String name) {
    if (!isParticipant(name)) {
      throw new IllegalArgumentException(
          field + " must be a participant name matching " + PARTICIPANT.pattern() + ", got " + quote(name));
    }
    return name;
  }

  public static String account(String field, String account) {
    if (!isAccount(account)) {
      throw new IllegalArgumentException(
          field + " must be an account id matching " + ACCOUNT.pattern() + ", got " + quote(account));
    }
    return account;
  }

  /**
   * Parses a transfer id: a UUID in canonical lower-case form, 8-4-4-4-12 hex digits (UUID.fromString
   * alone is too lenient).
   */
  public static UUID transferId(String text) {
    // checked and read in one pass: every decoded message has one, and each took two passes before
    if (text != null && text.length() == 36) {
      long mostSignificant = 0;
      long leastSignificant = 0;
      int i = 0;
      for (; i < 36; i++) {
        char c = text.charAt(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          if (c != '-') {
            break;
          }
          continue;
        }
        int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (nibble < 0) {
          break;
        }
        if (i < 18) {
          mostSignificant = mostSignificant << 4 | nibble;
        } else {
          leastSignificant = leastSignificant << 4 | nibble;
        }
      }
      if (i == 36) {
        return new UUID(mostSignificant, leastSignificant);
      }
    }
    throw new IllegalArgumentException("transferId must be a lower-case canonical UUID, got " + quote(text));
  }

  /** Whether {@code name} matches {@link #PARTICIPANT}. */
  static boolean isParticipant(String name) {
    if (name == null || name.isEmpty() || name.length() > 32 || !isLowerOrDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLowerOrDigit(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code account} matches {@link #ACCOUNT}. */
  static boolean isAccount(String account) {
    if (account == null || account.isEmpty() || account.length() > 64 || !isLetterOrDigit(account.charAt(0))) {
      return false;
    }
    for (int i = 1; i < account.length(); i++) {
      char c = account.charAt(i);
      if (!isLetterOrDigit(c) && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shown + "'";
  }
}

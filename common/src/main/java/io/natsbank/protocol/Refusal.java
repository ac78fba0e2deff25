package io.natsbank.protocol;

import java.util.Objects;

/**
 * A message or request that cannot be accepted, with a machine-readable code and a cause a person can
 * read. A refusal is an operating error: it is counted and logged, never thrown past the boundary.
 */
public record Refusal(Code code, String message) {
  public Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  public enum Code {
    MALFORMED,
    TOO_LARGE,
    UNSUPPORTED_VERSION,
    UNKNOWN_KIND,
    INVALID_AMOUNT,
    UNKNOWN_ACCOUNT,
    UNKNOWN_PARTICIPANT,
    WRONG_RECIPIENT,
    TRANSFER_ID_REUSED,
    UNKNOWN_TRANSFER,
    CONTRADICTORY,
    CURRENCY_MISMATCH,
    BUSY,
    UNAVAILABLE,
    INTERNAL
  }
}

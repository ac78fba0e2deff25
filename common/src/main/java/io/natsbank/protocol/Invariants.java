package io.natsbank.protocol;

/**
 * Always-on checks of programmer errors (never Java's {@code assert}, which is off by default).
 * A failure here means the code is wrong, not the input: it throws and must never be caught to
 * carry on as if nothing happened.
 */
public final class Invariants {
  private Invariants() {}

  public static void check(boolean condition, String invariant, Object context) {
    if (!condition) {
      throw new InvariantViolation("invariant broken: " + invariant + " (" + context + ")");
    }
  }

  public static final class InvariantViolation extends IllegalStateException {
    public InvariantViolation(String message) {
      super(message);
    }
  }
}

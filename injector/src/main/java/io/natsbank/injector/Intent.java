package io.natsbank.injector;

/** What a fired transfer is meant to exercise. */
public enum Intent {
  /** A plain transfer between seeded accounts: OK, or rejected by a closed or capped payee. */
  NORMAL("normal"),
  /** To a payee account the consumer does not have: REJECTED with UNKNOWN_ACCOUNT by the consumer. */
  UNKNOWN_PAYEE("unknown-payee"),
  /** An amount larger than any balance: REJECTED with INSUFFICIENT_FUNDS at once by the producer. */
  INSUFFICIENT_FUNDS("insufficient-funds");

  private final String label;

  Intent(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Intent parse(String label) {
    for (Intent intent : values()) {
      if (intent.label.equals(label)) {
        return intent;
      }
    }
    throw new IllegalArgumentException("unknown transfer kind '" + label + "', expected one of normal, "
        + "unknown-payee, insufficient-funds");
  }
}

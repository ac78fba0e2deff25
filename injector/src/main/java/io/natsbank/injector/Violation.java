package io.natsbank.injector;

/**
 * The kinds of problems the audit reports, each with the counter of the final audit line it adds to.
 * Transfer-level kinds are counted once per transfer id; account-level kinds once per account or entry.
 */
public enum Violation {
  LOST("lost", "lost", "acknowledged to the injector, missing at its producer"),
  UNKNOWN("unknown", "lost", "held by a producer, never submitted by the injector"),
  PENDING("pending", "pending", "held by a producer without a final outcome"),
  MISMATCHED("mismatched", "mismatched", "producer, consumer and submission do not agree"),
  DUPLICATED("duplicated", "duplicated", "an effect is missing, repeated or wrong"),
  UNCONFIRMED("unconfirmed", "unconfirmed", "final at the producer, not confirmed at the consumer"),
  BALANCE("balance", "duplicated", "account balance differs from its opening balance plus its entries"),
  NEGATIVE("negative", "duplicated", "account balance below zero"),
  UNKNOWN_ACCOUNT("unknown_account", "duplicated", "entry on an account that does not exist");

  private final String label;
  private final String counter;
  private final String meaning;

  Violation(String label, String counter, String meaning) {
    this.label = label;
    this.counter = counter;
    this.meaning = meaning;
  }

  public String label() {
    return label;
  }

  /** The field of the final audit line this kind is counted in. */
  public String counter() {
    return counter;
  }

  public String meaning() {
    return meaning;
  }
}

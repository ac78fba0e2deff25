package io.natsbank.protocol;

/** What a consumer answers: received (decision pending), accepted, or rejected with a cause. */
public enum Outcome {
  ACK,
  OK,
  REJECTED;

  public boolean isFinal() {
    return this != ACK;
  }
}

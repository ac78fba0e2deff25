package io.natsbank.protocol;

import java.util.Objects;

/** What a transfer is: who pays whom how much, through which producer and consumer. Never changes. */
public record TransferTerms(String producer, String consumer, String payer, String payee, Money amount) {
  public TransferTerms {
    Names.participant("producer", producer);
    Names.participant("consumer", consumer);
    Names.account("payer", payer);
    Names.account("payee", payee);
    Objects.requireNonNull(amount, "amount");
    if (amount.amount().signum() <= 0) {
      throw new IllegalArgumentException("amount must be greater than zero, got " + amount);
    }
  }
}

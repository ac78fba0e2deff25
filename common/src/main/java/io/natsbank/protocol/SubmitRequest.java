package io.natsbank.protocol;

import java.util.Objects;
import java.util.UUID;

/** A client's request to a producer: move {@code amount} from {@code payer} to {@code payee} at {@code consumer}. */
public record SubmitRequest(UUID transferId, String consumer, String payer, String payee, Money amount) {
  public SubmitRequest {
    Objects.requireNonNull(transferId, "transferId");
    Names.participant("consumer", consumer);
    Names.account("payer", payer);
    Names.account("payee", payee);
    Objects.requireNonNull(amount, "amount");
  }

  public TransferTerms termsAt(String producer) {
    return new TransferTerms(producer, consumer, payer, payee, amount);
  }
}

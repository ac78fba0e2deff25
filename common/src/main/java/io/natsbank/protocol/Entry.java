package io.natsbank.protocol;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/**
 * One movement of money on one account, caused by one transfer. At most one entry of each kind
 * exists per transfer: that is how "no effect twice" is made checkable.
 */
public record Entry(UUID transferId, String account, Kind kind, BigDecimal amount) {
  public Entry {
    Objects.requireNonNull(transferId, "transferId");
    Names.account("account", account);
    Objects.requireNonNull(kind, "kind");
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("entry amount must be positive, got " + amount);
    }
  }

  /** The change this entry makes to the account's balance. */
  public BigDecimal balanceDelta() {
    return kind == Kind.DEBIT ? amount.negate() : amount;
  }

  public enum Kind {
    /** Producer: the payer is debited when the transfer is accepted. */
    DEBIT,
    /** Producer: the payer gets the amount back when the transfer is rejected. */
    REFUND,
    /** Consumer: the payee is credited when the transfer is accepted. */
    CREDIT
  }
}

package io.natsbank.protocol;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An account as a transaction sees it. {@code creditMax} caps a single incoming transfer (null: no cap).
 */
public record Account(String id, Currency currency, BigDecimal balance, boolean closed, BigDecimal creditMax) {
  public Account {
    Names.account("id", id);
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(balance, "balance");
  }

  public Account withBalance(BigDecimal newBalance) {
    return new Account(id, currency, newBalance, closed, creditMax);
  }
}

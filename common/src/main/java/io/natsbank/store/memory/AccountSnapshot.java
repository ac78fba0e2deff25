package io.natsbank.store.memory;

import io.natsbank.protocol.Account;
import java.math.BigDecimal;
import java.util.Objects;

/** An account as last committed, with the balance it was opened with (for the audit). */
public record AccountSnapshot(Account account, BigDecimal openingBalance) {
  public AccountSnapshot {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(openingBalance, "openingBalance");
  }
}

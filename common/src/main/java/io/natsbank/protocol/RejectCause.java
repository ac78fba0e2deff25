package io.natsbank.protocol;

/** Why a transfer was rejected. A rejection is a final outcome, not an error. */
public enum RejectCause {
  /** The payer's balance does not cover the amount (decided by the producer, never sent). */
  INSUFFICIENT_FUNDS,
  /** The payee account does not exist at the consumer. */
  UNKNOWN_ACCOUNT,
  /** The payee account is closed. */
  ACCOUNT_CLOSED,
  /** The amount is over what the payee account may receive in one transfer. */
  OVER_LIMIT,
  /** The payee account holds another currency. */
  CURRENCY_MISMATCH
}

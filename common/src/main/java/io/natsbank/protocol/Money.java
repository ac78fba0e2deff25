package io.natsbank.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount in a currency, always at the currency's fixed scale. Amounts travel as strings and are
 * parsed strictly: no sign, no exponent, no NaN or infinity, no more decimals than the currency has.
 */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {

  /** The largest amount a single transfer may carry, in whole units of any currency. */
  public static final BigDecimal AMOUNT_MAX = new BigDecimal("1000000000");

  /** The longest amount string accepted on the wire, in characters. */
  public static final int AMOUNT_TEXT_LENGTH_MAX = 32;

  private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,10})?");

  public Money {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    if (amount.scale() != currency.scale()) {
      throw new IllegalArgumentException(
          "amount " + amount.toPlainString() + " must have scale " + currency.scale() + " for " + currency);
    }
  }

  /** Parses a positive transfer amount; the cause of a refusal is in the exception's message. */
  public static Money parsePositive(String text, Currency currency) {
    BigDecimal value = parseDecimal(text, currency);
    if (value.signum() <= 0) {
      throw new InvalidAmountException("amount must be greater than zero, got '" + text + "'");
    }
    if (value.compareTo(AMOUNT_MAX) > 0) {
      throw new InvalidAmountException("amount " + text + " is over the limit of " + AMOUNT_MAX.toPlainString());
    }
    return new Money(value.setScale(currency.scale(), RoundingMode.UNNECESSARY), currency);
  }

  /** Parses a non-negative balance (seeding, audit). */
  public static Money parseBalance(String text, Currency currency) {
    BigDecimal value = parseDecimal(text, currency);
    return new Money(value.setScale(currency.scale(), RoundingMode.UNNECESSARY), currency);
  }

  private static BigDecimal parseDecimal(String text, Currency currency) {
    if (text == null || text.isEmpty()) {
      throw new InvalidAmountException("amount is missing");
    }
    if (text.length() > AMOUNT_TEXT_LENGTH_MAX) {
      throw new InvalidAmountException("amount text is longer than " + AMOUNT_TEXT_LENGTH_MAX + " characters");
    }
    if (text.startsWith("-")) {
      throw new InvalidAmountException("amount must not be negative, got '" + text + "'");
    }
    if (!isPlainDecimal(text)) {
      throw new InvalidAmountException("amount must be a plain decimal like 12.34, got '" + text + "'");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.scale() > currency.scale()) {
      throw new InvalidAmountException(
          "amount " + text + " has more than " + currency.scale() + " decimals allowed for " + currency);
    }
    return value;
  }

  /** Whether {@code text} matches {@link #PLAIN_DECIMAL}, checked without the regular expression (hot path). */
  static boolean isPlainDecimal(String text) {
    int dot = text.indexOf('.');
    int integerDigits = dot < 0 ? text.length() : dot;
    if (integerDigits < 1 || integerDigits > 20 || !allDigits(text, 0, integerDigits)) {
      return false;
    }
    if (dot < 0) {
      return true;
    }
    int fractionDigits = text.length() - dot - 1;
    return fractionDigits >= 1 && fractionDigits <= 10 && allDigits(text, dot + 1, text.length());
  }

  private static boolean allDigits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  public static Money zero(Currency currency) {
    return new Money(BigDecimal.ZERO.setScale(currency.scale()), currency);
  }

  public Money plus(Money other) {
    requireSameCurrency(other);
    return new Money(amount.add(other.amount), currency);
  }

  public Money minus(Money other) {
    requireSameCurrency(other);
    return new Money(amount.subtract(other.amount), currency);
  }

  public boolean isNegative() {
    return amount.signum() < 0;
  }

  @Override
  public int compareTo(Money other) {
    requireSameCurrency(other);
    return amount.compareTo(other.amount);
  }

  private void requireSameCurrency(Money other) {
    if (other.currency != currency) {
      throw new IllegalArgumentException("currency mismatch: " + currency + " and " + other.currency);
    }
  }

  /** The wire form: plain decimal at the currency's scale. */
  public String text() {
    return amount.toPlainString();
  }

  @Override
  public String toString() {
    return amount.toPlainString() + " " + currency;
  }

  /** Raised for an amount that cannot be accepted; the message names the cause. */
  public static final class InvalidAmountException extends IllegalArgumentException {
    public InvalidAmountException(String message) {
      super(message);
    }
  }
}

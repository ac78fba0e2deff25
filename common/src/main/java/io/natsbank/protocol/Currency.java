package io.natsbank.protocol;

/** The currencies a transfer may use, each with its fixed number of decimals. */
public enum Currency {
  EUR(2),
  USD(2),
  GBP(2),
  CHF(2),
  JPY(0);

  private final int scale;

  Currency(int scale) {
    this.scale = scale;
  }

  public int scale() {
    return scale;
  }

  /** Parses a currency code, naming the accepted ones when it is unknown. */
  public static Currency parse(String code) {
    if (code == null) {
      throw new IllegalArgumentException("currency is missing");
    }
    for (Currency currency : values()) {
      if (currency.name().equals(code)) {
        return currency;
      }
    }
    throw new IllegalArgumentException(
        "unknown currency '" + code + "', expected one of " + java.util.Arrays.toString(values()));
  }
}

package io.natsbank.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Money.InvalidAmountException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  private static Money euros(String text) {
    return Money.parsePositive(text, Currency.EUR);
  }

  private static String refusalOf(String text, Currency currency) {
    return assertThrows(InvalidAmountException.class, () -> Money.parsePositive(text, currency)).getMessage();
  }

  @Nested
  class ParsePositive {
    @ParameterizedTest
    @CsvSource({
        "1, EUR, 1.00",
        "1.5, EUR, 1.50",
        "0.01, EUR, 0.01",
        "12.34, USD, 12.34",
        "1.10, EUR, 1.10",
        "1000000000, EUR, 1000000000.00",
        "1000000000.00, GBP, 1000000000.00",
        "1, JPY, 1",
        "1000000000, JPY, 1000000000",
    })
    void acceptsPlainPositiveDecimalsAndSetsTheCurrencyScale(String text, Currency currency, String expected) {
      Money money = Money.parsePositive(text, currency);

      assertEquals(new BigDecimal(expected), money.amount());
      assertEquals(currency.scale(), money.amount().scale());
      assertEquals(currency, money.currency());
      assertEquals(expected, money.text());
    }

    /** More decimals than the currency has are refused even when they are zeros: the text is over-scale. */
    @ParameterizedTest
    @CsvSource({
        "1.100, EUR",
        "1.000, EUR",
        "1.0, JPY",
        "100.000, JPY",
    })
    void refusesTrailingZerosBeyondTheCurrencyScale(String text, Currency currency) {
      assertTrue(refusalOf(text, currency).contains("decimals allowed for " + currency), text);
    }

    /** Leading zeros are accepted too; the wire form written back is canonical. */
    @Test
    void acceptsLeadingZerosAndWritesTheCanonicalForm() {
      assertEquals("7.00", euros("007").text());
      assertEquals("0.50", euros("00.5").text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.01", "-0"})
    void refusesNegativeAmounts(String text) {
      assertTrue(refusalOf(text, Currency.EUR).contains("must not be negative"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "0.0", "000"})
    void refusesZero(String text) {
      String message = refusalOf(text, Currency.EUR);
      assertTrue(message.contains("greater than zero"), message);
      assertTrue(message.contains("'" + text + "'"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e3", "1E3", "1.5e2", "+1", " 1", "1 ", "1.", ".5",
        "1,50", "1.2.3", "0x10", "１", "١", "1_000", "", "\t1", "1\n"})
    void refusesAnythingButAPlainDecimal(String text) {
      assertThrows(InvalidAmountException.class, () -> Money.parsePositive(text, Currency.EUR), "'" + text + "'");
    }

    @Test
    void refusalOfANonDecimalQuotesTheText() {
      String message = refusalOf("1e3", Currency.EUR);
      assertEquals("amount must be a plain decimal like 12.34, got '1e3'", message);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesMissingText(String text) {
      assertEquals("amount is missing", refusalOf(text, Currency.EUR));
    }

    @Test
    void refusesMoreDecimalsThanTheCurrencyHas() {
      String euroMessage = refusalOf("1.001", Currency.EUR);
      assertEquals("amount 1.001 has more than 2 decimals allowed for EUR", euroMessage);
      String yenMessage = refusalOf("1.5", Currency.JPY);
      assertEquals("amount 1.5 has more than 0 decimals allowed for JPY", yenMessage);
      assertThrows(InvalidAmountException.class, () -> Money.parsePositive("0.001", Currency.USD));
    }

    @Test
    void refusesMoreThanTenDecimalsEvenWhenTheyAreZeros() {
      assertThrows(InvalidAmountException.class, () -> euros("1.00000000000"));
    }

    @ParameterizedTest
    @CsvSource({"1000000000.01, EUR", "1000000001, JPY", "99999999999999999999, EUR"})
    void refusesAmountsOverTheMaximum(String text, Currency currency) {
      String message = refusalOf(text, currency);
      assertTrue(message.contains("over the limit of 1000000000"), message);
    }

    @Test
    void refusesTextLongerThanTheLimit() {
      String longest = "1." + "0".repeat(Money.AMOUNT_TEXT_LENGTH_MAX - 2);
      String tooLong = "0".repeat(Money.AMOUNT_TEXT_LENGTH_MAX) + "1";

      assertEquals(Money.AMOUNT_TEXT_LENGTH_MAX + 1, tooLong.length());
      assertEquals("amount text is longer than 32 characters", refusalOf(tooLong, Currency.EUR));
      assertThrows(InvalidAmountException.class, () -> euros(longest), "32 characters but 30 decimals");
    }

    @Test
    void refusalIsAnIllegalArgumentException() {
      assertTrue(IllegalArgumentException.class.isAssignableFrom(InvalidAmountException.class));
    }
  }

  @Nested
  class ParseBalance {
    @Test
    void acceptsZeroAndPositiveBalances() {
      assertEquals(new BigDecimal("0.00"), Money.parseBalance("0", Currency.EUR).amount());
      assertEquals(new BigDecimal("12345678901.50"), Money.parseBalance("12345678901.5", Currency.EUR).amount());
    }

    @Test
    void refusesNegativeBalancesAndNonDecimals() {
      assertThrows(InvalidAmountException.class, () -> Money.parseBalance("-1", Currency.EUR));
      assertThrows(InvalidAmountException.class, () -> Money.parseBalance("1.001", Currency.EUR));
      assertThrows(InvalidAmountException.class, () -> Money.parseBalance("NaN", Currency.EUR));
    }
  }

  @Nested
  class Arithmetic {
    @Test
    void addsAndSubtractsInTheSameCurrency() {
      assertEquals(euros("3.75"), euros("1.25").plus(euros("2.50")));
      assertEquals(euros("0.01"), euros("1.00").minus(euros("0.99")));
    }

    @Test
    void subtractingMoreGivesANegativeAmount() {
      Money negative = euros("1.00").minus(euros("1.01"));

      assertTrue(negative.isNegative());
      assertEquals(new BigDecimal("-0.01"), negative.amount());
      assertFalse(Money.zero(Currency.EUR).isNegative());
    }

    @Test
    void zeroHasTheCurrencyScale() {
      assertEquals("0.00", Money.zero(Currency.EUR).text());
      assertEquals("0", Money.zero(Currency.JPY).text());
    }

    @Test
    void comparesByValue() {
      assertTrue(euros("1.01").compareTo(euros("1.00")) > 0);
      assertTrue(euros("0.99").compareTo(euros("1.00")) < 0);
      assertEquals(0, euros("1.5").compareTo(euros("1.50")));
      assertEquals(euros("1.5"), euros("1.50"));
    }

    @Test
    void refusesMixingCurrencies() {
      Money dollars = Money.parsePositive("1.00", Currency.USD);

      IllegalArgumentException plus = assertThrows(IllegalArgumentException.class, () -> euros("1.00").plus(dollars));
      assertEquals("currency mismatch: EUR and USD", plus.getMessage());
      assertThrows(IllegalArgumentException.class, () -> euros("1.00").minus(dollars));
      assertThrows(IllegalArgumentException.class, () -> euros("1.00").compareTo(dollars));
    }

    @Test
    void constructorRefusesAnotherScaleThanTheCurrencys() {
      assertThrows(IllegalArgumentException.class, () -> new Money(new BigDecimal("1.5"), Currency.EUR));
      assertThrows(IllegalArgumentException.class, () -> new Money(new BigDecimal("1.00"), Currency.JPY));
      assertThrows(NullPointerException.class, () -> new Money(null, Currency.EUR));
    }

    @Test
    void showsAmountAndCurrency() {
      assertEquals("1.50 EUR", euros("1.5").toString());
      assertEquals("1.50", euros("1.5").text());
    }
  }

  @Nested
  class CurrencyCodes {
    @Test
    void knowsEachCurrencysScale() {
      assertEquals(2, Currency.EUR.scale());
      assertEquals(2, Currency.USD.scale());
      assertEquals(2, Currency.GBP.scale());
      assertEquals(2, Currency.CHF.scale());
      assertEquals(0, Currency.JPY.scale());
    }

    @Test
    void parsesExactCodes() {
      assertEquals(Currency.CHF, Currency.parse("CHF"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eur", "EURO", "XYZ", "", " EUR"})
    void refusesUnknownCodesNamingTheAcceptedOnes(String code) {
      IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> Currency.parse(code));
      assertTrue(refusal.getMessage().contains("[EUR, USD, GBP, CHF, JPY]"), refusal.getMessage());
    }

    @Test
    void refusesAMissingCode() {
      assertEquals("currency is missing",
          assertThrows(IllegalArgumentException.class, () -> Currency.parse(null)).getMessage());
    }
  }
}

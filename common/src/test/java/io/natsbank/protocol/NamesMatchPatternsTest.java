package io.natsbank.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written checks accept exactly what the documented patterns match. */
class NamesMatchPatternsTest {
  private static final String ALPHABET = "az09AZ-_.:/ é٣\u0000x5F";
  private static final Pattern UUID_PATTERN =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,10})?");

  @Test
  void participantsAccountsIdsAndAmountsAgreeWithTheirPatterns() {
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 200_000; i++) {
      String text = randomText(random, random.nextInt(70));
      check(text, random);
    }
    for (String edge : new String[] {"", "a", "-a", "a-", "0", "bank-p1", "x".repeat(32), "x".repeat(33),
        "A".repeat(64), "A".repeat(65), "1.", ".1", "1.5", "0.0000000001", "1".repeat(20), "1".repeat(21),
        "1." + "0".repeat(11), UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase()}) {
      check(edge, random);
    }
  }

  private static void check(String text, SplittableRandom random) {
    assertEquals(Names.PARTICIPANT.matcher(text).matches(), Names.isParticipant(text), text);
    assertEquals(Names.ACCOUNT.matcher(text).matches(), Names.isAccount(text), text);
    checkTransferId(text);
    assertEquals(DECIMAL.matcher(text).matches(), Money.isPlainDecimal(text), text);
    String uuidLike = mutate(UUID.randomUUID().toString(), random);
    checkTransferId(uuidLike);
    String decimalLike = random.nextInt(30) + (random.nextBoolean() ? "." + random.nextInt(1000) : "");
    assertEquals(DECIMAL.matcher(decimalLike).matches(), Money.isPlainDecimal(decimalLike), decimalLike);
  }

  /** A transfer id is read exactly when it matches the pattern, and then as {@link UUID#fromString} reads it. */
  private static void checkTransferId(String text) {
    if (UUID_PATTERN.matcher(text).matches()) {
      assertEquals(UUID.fromString(text), Names.transferId(text), text);
    } else {
      assertThrows(IllegalArgumentException.class, () -> Names.transferId(text), text);
    }
  }

  private static String randomText(SplittableRandom random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  private static String mutate(String text, SplittableRandom random) {
    if (random.nextInt(3) == 0) {
      return text;
    }
    char[] chars = text.toCharArray();
    chars[random.nextInt(chars.length)] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    return new String(chars);
  }
}

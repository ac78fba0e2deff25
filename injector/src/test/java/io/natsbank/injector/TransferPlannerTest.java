package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TransferPlannerTest {
  private static final TransferPlanner.Settings SETTINGS = new TransferPlanner.Settings(
      List.of("bank-p1", "bank-p2"), List.of("bank-c1", "bank-c2"), 100, TransferMix.parse(TransferMix.DEFAULT),
      Money.parsePositive("0.01", Currency.EUR), Money.parsePositive("50.00", Currency.EUR),
      Money.parsePositive("1000000000.00", Currency.EUR));

  private static List<PlannedTransfer> plan(long seed, int count) {
    UuidV7 ids = new UuidV7(() -> 1_767_225_600_000L, new SplittableRandom(seed));
    TransferPlanner planner = new TransferPlanner(SETTINGS, seed, ids::next);
    List<PlannedTransfer> planned = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      planned.add(planner.next());
    }
    return planned;
  }

  @Test
  void theSameSeedGivesTheSameTransfers() {
    assertEquals(plan(42, 500), plan(42, 500));
    List<PlannedTransfer> other = plan(43, 500);
    assertTrue(!plan(42, 500).stream().map(t -> t.request().payee()).toList()
        .equals(other.stream().map(t -> t.request().payee()).toList()));
  }

  @Test
  void producersTakeTurnsAndEveryKindFollowsItsRules() {
    List<PlannedTransfer> planned = plan(7, 10_000);
    Map<Intent, Integer> kinds = new EnumMap<>(Intent.class);
    BigDecimal min = new BigDecimal("0.01");
    BigDecimal max = new BigDecimal("50.00");
    for (int i = 0; i < planned.size(); i++) {
      PlannedTransfer transfer = planned.get(i);
      assertEquals(i % 2 == 0 ? "bank-p1" : "bank-p2", transfer.producer());
      assertTrue(transfer.request().payer().matches(transfer.producer() + "-00[0-9][0-9]"));
      assertTrue(transfer.request().payee().startsWith(transfer.request().consumer() + "-"));
      kinds.merge(transfer.intent(), 1, Integer::sum);
      BigDecimal amount = transfer.request().amount().amount();
      assertEquals(2, amount.scale());
      switch (transfer.intent()) {
        case UNKNOWN_PAYEE -> assertTrue(transfer.request().payee().endsWith("-9999"));
        case INSUFFICIENT_FUNDS -> assertEquals(new BigDecimal("1000000000.00"), amount);
        case NORMAL -> {
          assertTrue(amount.compareTo(min) >= 0 && amount.compareTo(max) <= 0, amount.toPlainString());
          assertTrue(transfer.request().payee().matches(".*-00[0-9][0-9]"));
        }
      }
    }
    // 3% each, give or take
    assertTrue(kinds.get(Intent.UNKNOWN_PAYEE) > 200 && kinds.get(Intent.UNKNOWN_PAYEE) < 400, kinds.toString());
    assertTrue(kinds.get(Intent.INSUFFICIENT_FUNDS) > 200 && kinds.get(Intent.INSUFFICIENT_FUNDS) < 400,
        kinds.toString());
    assertEquals(10_000, planned.stream().map(t -> t.request().transferId()).distinct().count());
  }

  @Test
  void idsComeFromTheGivenGenerator() {
    UUID fixed = UUID.fromString("01900000-0000-7000-8000-000000000001");
    TransferPlanner planner = new TransferPlanner(SETTINGS, 1, () -> fixed);
    assertEquals(fixed, planner.next().request().transferId());
  }

  @Test
  void mixIsParsedStrictly() {
    assertEquals(Intent.NORMAL, TransferMix.parse("normal=1").draw(new SplittableRandom(1)));
    assertEquals(Intent.UNKNOWN_PAYEE, TransferMix.parse("normal=0, unknown-payee=5").draw(new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("normal"));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("normal=x"));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("nonsense=3"));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("normal=0"));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("normal=-1,unknown-payee=2"));
    assertThrows(IllegalArgumentException.class, () -> TransferMix.parse("normal=1,normal=2"));
  }

  @Test
  void settingsRefuseWhatCannotBeSeeded() {
    Money one = Money.parsePositive("1.00", Currency.EUR);
    assertThrows(IllegalArgumentException.class, () -> new TransferPlanner.Settings(List.of("p"), List.of("c"),
        10_000, TransferMix.parse("normal=1"), one, one, one));
    assertThrows(IllegalArgumentException.class, () -> new TransferPlanner.Settings(List.of(), List.of("c"),
        10, TransferMix.parse("normal=1"), one, one, one));
    assertThrows(IllegalArgumentException.class, () -> new TransferPlanner.Settings(List.of("p"), List.of("c"),
        10, TransferMix.parse("normal=1"), Money.parsePositive("2.00", Currency.EUR), one, one));
  }
}

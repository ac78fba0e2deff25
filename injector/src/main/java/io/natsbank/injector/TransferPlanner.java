package io.natsbank.injector;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Names;
import io.natsbank.protocol.SubmitRequest;
import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Makes the transfers to fire, reproducibly from a seed: producers in turn, consumers, accounts,
 * kinds and amounts drawn at random. Only the ids (time-ordered) differ from run to run.
 * Not thread-safe: one caller draws the plan in order.
 */
public final class TransferPlanner {
  /** Seeded account ids have 4 digits; this one is never seeded, so it is an unknown payee. */
  public static final int UNKNOWN_ACCOUNT_INDEX = 9999;
  public static final int ACCOUNTS_MAX = 9999;

  /** How to draw transfers. Amounts in the currency's units; {@code overdraftAmount} exceeds any balance. */
  public record Settings(List<String> producers, List<String> consumers, int accounts, TransferMix mix,
      Money amountMin, Money amountMax, Money overdraftAmount) {
    public Settings {
      producers = List.copyOf(producers);
      consumers = List.copyOf(consumers);
      if (producers.isEmpty() || consumers.isEmpty()) {
        throw new IllegalArgumentException("at least one producer and one consumer are needed");
      }
      producers.forEach(name -> Names.participant("producers", name));
      consumers.forEach(name -> Names.participant("consumers", name));
      if (accounts < 1 || accounts > ACCOUNTS_MAX) {
        throw new IllegalArgumentException("accounts must be between 1 and " + ACCOUNTS_MAX + ", got " + accounts);
      }
      if (amountMin.compareTo(amountMax) > 0) {
        throw new IllegalArgumentException("amount-min " + amountMin + " is above amount-max " + amountMax);
      }
      if (amountMin.currency() != overdraftAmount.currency()) {
        throw new IllegalArgumentException("all amounts must be in one currency");
      }
    }

    public Currency currency() {
      return amountMin.currency();
    }
  }

  private final Settings settings;
  private final SplittableRandom random;
  private final Supplier<java.util.UUID> ids;
  private long drawn;

  public TransferPlanner(Settings settings, long seed, Supplier<java.util.UUID> ids) {
    this.settings = settings;
    this.random = new SplittableRandom(seed);
    this.ids = ids;
  }

  /** The seeded name of account {@code index} of {@code participant}, e.g. {@code bank-p1-0007}. */
  public static String accountId(String participant, int index) {
    return String.format("%s-%04d", participant, index);
  }

  public PlannedTransfer next() {
    String producer = settings.producers().get((int) (drawn++ % settings.producers().size()));
    String consumer = settings.consumers().get(random.nextInt(settings.consumers().size()));
    Intent intent = settings.mix().draw(random);
    String payer = accountId(producer, random.nextInt(settings.accounts()));
    int payeeIndex = intent == Intent.UNKNOWN_PAYEE ? UNKNOWN_ACCOUNT_INDEX : random.nextInt(settings.accounts());
    Money amount = intent == Intent.INSUFFICIENT_FUNDS ? settings.overdraftAmount() : drawAmount();
    SubmitRequest request = new SubmitRequest(ids.get(), consumer, payer, accountId(consumer, payeeIndex), amount);
    return new PlannedTransfer(producer, request, intent);
  }

  private Money drawAmount() {
    int scale = settings.currency().scale();
    long min = settings.amountMin().amount().movePointRight(scale).longValueExact();
    long max = settings.amountMax().amount().movePointRight(scale).longValueExact();
    long units = min + random.nextLong(max - min + 1);
    return new Money(BigDecimal.valueOf(units, scale), settings.currency());
  }
}

package io.natsbank.simulation;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Everything a seed decides before the run starts: the participants, their instances and accounts,
 * how long the fault phase lasts, how many transfers the client makes, and which faults are on.
 * Each fault is switched on or off per seed ("swarm testing"): a seed that drops nothing but crashes
 * often explores paths a seed that does everything a little never reaches.
 */
record Scenario(
    List<Participant> producers,
    List<Participant> consumers,
    int transfers,
    long faultPhaseTicks,
    Faults faults) {

  static final int PARTICIPANTS_MAX = 3;
  static final int INSTANCES_MAX = 3;
  static final int TRANSFERS_MAX = 24;
  /** One seed in twenty is busy: many transfers compete for the same payers and batches fill up. */
  static final int BUSY_TRANSFERS_MAX = 150;
  static final long FAULT_PHASE_TICKS_MIN = 100;
  static final long FAULT_PHASE_TICKS_MAX = 800;

  /** A producer or consumer: its name, how many instances share its store, its accounts. */
  record Participant(String name, int instances, List<Account> accounts) {
    Participant {
      accounts = List.copyOf(accounts);
    }
  }

  /**
   * Fault rates of the fault phase. Rates are per message ({@code drop}, {@code duplicate}) or per
   * crash point ({@code crashPoint}: before a commit, after it, before a send); counts are events
   * spread over the phase (instance crashes, partitions, database outages); the maxima bound how
   * long each lasts, in ticks.
   */
  record Faults(
      double dropRate,
      double duplicateRate,
      long delayTicksMax,
      double crashPointRate,
      int crashes,
      int partitions,
      int storeOutages,
      long downTicksMax,
      long partitionTicksMax,
      long storeOutageTicksMax) {

    /** What is left after healing: messages still take up to {@code delayTicksMax}, nothing else. */
    static Faults healed(long delayTicksMax) {
      return new Faults(0, 0, delayTicksMax, 0, 0, 0, 0, 1, 1, 1);
    }
  }

  static Scenario generate(RandomGenerator random) {
    List<Participant> producers = new ArrayList<>();
    int producerCount = 1 + random.nextInt(PARTICIPANTS_MAX);
    for (int index = 1; index <= producerCount; index++) {
      String name = "producer-" + index;
      producers.add(new Participant(name, 1 + random.nextInt(INSTANCES_MAX), payerAccounts(name, random)));
    }
    List<Participant> consumers = new ArrayList<>();
    int consumerCount = 1 + random.nextInt(PARTICIPANTS_MAX);
    for (int index = 1; index <= consumerCount; index++) {
      String name = "consumer-" + index;
      consumers.add(new Participant(name, 1 + random.nextInt(INSTANCES_MAX), payeeAccounts(name, random)));
    }
    int transfers = random.nextInt(20) == 0
        ? random.nextInt(TRANSFERS_MAX, BUSY_TRANSFERS_MAX + 1)
        : 1 + random.nextInt(TRANSFERS_MAX);
    long faultPhaseTicks = random.nextLong(FAULT_PHASE_TICKS_MIN, FAULT_PHASE_TICKS_MAX + 1);
    return new Scenario(producers, consumers, transfers, faultPhaseTicks, faults(random));
  }

  private static Faults faults(RandomGenerator random) {
    double drop = pick(random, 0.0, 0.02, 0.1, 0.3, 0.6);
    double duplicate = pick(random, 0.0, 0.0, 0.05, 0.2, 0.5);
    long delayTicksMax = (long) pick(random, 1, 3, 10, 50, 150);
    double crashPoint = pick(random, 0.0, 0.0, 0.01, 0.05, 0.15);
    int crashes = random.nextBoolean() ? 0 : random.nextInt(1, 6);
    int partitions = random.nextBoolean() ? 0 : random.nextInt(1, 4);
    int storeOutages = random.nextInt(3) != 0 ? 0 : random.nextInt(1, 3);
    long downTicksMax = random.nextLong(5, 300);
    long partitionTicksMax = random.nextLong(10, 400);
    long storeOutageTicksMax = random.nextLong(5, 200);
    return new Faults(drop, duplicate, delayTicksMax, crashPoint, crashes, partitions, storeOutages, downTicksMax,
        partitionTicksMax, storeOutageTicksMax);
  }

  private static double pick(RandomGenerator random, double... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** Payers: a few open EUR accounts, one closed, one in USD. */
  private static List<Account> payerAccounts(String participant, RandomGenerator random) {
    List<Account> accounts = new ArrayList<>();
    int open = 1 + random.nextInt(3);
    for (int index = 1; index <= open; index++) {
      accounts.add(new Account(participant + ".payer-" + index, Currency.EUR, cents(random, 0, 200_000), false, null));
    }
    accounts.add(new Account(participant + ".closed", Currency.EUR, cents(random, 0, 50_000), true, null));
    accounts.add(new Account(participant + ".dollars", Currency.USD, cents(random, 0, 50_000), false, null));
    return accounts;
  }

  /** Payees: a few open EUR accounts (some with a credit cap), one closed, one in USD. */
  private static List<Account> payeeAccounts(String participant, RandomGenerator random) {
    List<Account> accounts = new ArrayList<>();
    int open = 1 + random.nextInt(3);
    for (int index = 1; index <= open; index++) {
      BigDecimal creditMax = random.nextInt(3) == 0 ? cents(random, 1_000, 20_000) : null;
      accounts.add(new Account(participant + ".payee-" + index, Currency.EUR, cents(random, 0, 100_000), false,
          creditMax));
    }
    accounts.add(new Account(participant + ".closed", Currency.EUR, cents(random, 0, 10_000), true, null));
    accounts.add(new Account(participant + ".dollars", Currency.USD, cents(random, 0, 10_000), false, null));
    return accounts;
  }

  static BigDecimal cents(RandomGenerator random, long fromCents, long toCents) {
    return BigDecimal.valueOf(random.nextLong(fromCents, toCents + 1), 2);
  }
}

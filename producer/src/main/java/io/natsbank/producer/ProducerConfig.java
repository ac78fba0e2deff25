package io.natsbank.producer;

import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.protocol.Names;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.Subjects;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a producer instance runs with, parsed and validated once at start. {@code unfinishedMax}
 * bounds the transfers stored and not yet final: past it the API answers submits BUSY (see {@link
 * io.natsbank.runtime.Admission}).
 */
public record ProducerConfig(
    String name,
    Set<String> consumers,
    NatsSettings nats,
    Subjects subjects,
    DatabaseSettings database,
    FaultSettings faults,
    Tuning tuning,
    long ackedResendMillis,
    int unfinishedMax) {

  /**
   * Unfinished transfers at most, by default: under a second of work at the ~2,700 transfers/s one
   * producer and one consumer reach on a 2-core machine, so a transfer admitted at the bound still
   * finishes before its first re-send (1 s) and the re-sends never multiply the work of an overload.
   */
  public static final int UNFINISHED_MAX_DEFAULT = 2_000;
  /** The largest bound accepted: a million unfinished transfers is minutes of work here; more is a typo. */
  public static final int UNFINISHED_MAX_LIMIT = 1_000_000;

  /** A producer with the default bound of unfinished transfers. */
  public ProducerConfig(String name, Set<String> consumers, NatsSettings nats, Subjects subjects,
      DatabaseSettings database, FaultSettings faults, Tuning tuning, long ackedResendMillis) {
    this(name, consumers, nats, subjects, database, faults, tuning, ackedResendMillis, UNFINISHED_MAX_DEFAULT);
  }

  public ProducerConfig {
    Names.participant("name", name);
    consumers = Set.copyOf(consumers);
    if (consumers.isEmpty()) {
      throw new IllegalArgumentException("at least one consumer is required (--consumers or NATSBANK_CONSUMERS)");
    }
    consumers.forEach(consumer -> Names.participant("consumers", consumer));
    Objects.requireNonNull(nats, "nats");
    Objects.requireNonNull(subjects, "subjects");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(tuning, "tuning");
    if (ackedResendMillis < 1) {
      throw new IllegalArgumentException("acked re-send interval must be positive, got " + ackedResendMillis);
    }
    if (unfinishedMax < 1 || unfinishedMax > UNFINISHED_MAX_LIMIT) {
      throw new IllegalArgumentException("--unfinished-max (NATSBANK_UNFINISHED_MAX) must be within 1.."
          + UNFINISHED_MAX_LIMIT + ", got " + unfinishedMax);
    }
  }
}

package io.natsbank.producer;

import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.protocol.Names;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.Subjects;
import java.util.Objects;
import java.util.Set;

/** Everything a producer instance runs with, parsed and validated once at start. */
public record ProducerConfig(
    String name,
    Set<String> consumers,
    NatsSettings nats,
    Subjects subjects,
    DatabaseSettings database,
    FaultSettings faults,
    Tuning tuning,
    long ackedResendMillis) {

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
  }
}

package io.natsbank.consumer;

import io.natsbank.config.TuningOptions.Tuning;
import io.natsbank.protocol.Names;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.Subjects;
import java.util.Objects;
import java.util.Set;

/** Everything a consumer instance runs with. {@code producers} empty = serve any producer. */
public record ConsumerConfig(
    String name,
    Set<String> producers,
    NatsSettings nats,
    Subjects subjects,
    DatabaseSettings database,
    FaultSettings faults,
    Tuning tuning) {

  public ConsumerConfig {
    Names.participant("name", name);
    producers = Set.copyOf(producers);
    producers.forEach(producer -> Names.participant("producers", producer));
    Objects.requireNonNull(nats, "nats");
    Objects.requireNonNull(subjects, "subjects");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(tuning, "tuning");
  }
}

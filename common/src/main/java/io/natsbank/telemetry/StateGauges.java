package io.natsbank.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.PgConsumerStore;
import io.natsbank.store.pg.PgProducerStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of what a participant still has to finish, read from its database: the producer's unfinished
 * transfers by state, the consumer's unconfirmed decisions, and the age of the oldest. Only those rows
 * are read, through the partial indexes the re-send scans use (the read turns whole-table and parallel
 * scans off, {@link #BY_INDEX_SQL}), so a refresh costs what is in flight and not the whole history:
 * counting every transfer by state (the {@code transfer_summary} view psql users query) took a parallel
 * scan of the table every 10 s, which showed as a latency spike every 10 s in the benchmark once the
 * tables held a few hundred thousand rows. How many transfers finished is a counter
 * ({@code natsbank_transfer_outcome_seconds_count}, {@code natsbank_decisions_total}), not a gauge. A
 * background thread reads them every {@code interval}, one query in a transaction of its own, bounded by
 * a query timeout; a scrape only copies the last values, so it never waits for the database. Until the
 * first read, the gauges are NaN; after a failed read they keep the last values,
 * {@code natsbank_state_refresh_failures_total} counts the failure and
 * {@code natsbank_state_age_seconds} grows.
 */
final class StateGauges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StateGauges.class);
  private static final List<String> PRODUCER_STATES = List.of("PENDING", "ACKED");
  private static final List<String> DECISIONS = List.of("OK", "REJECTED");
  static final String PRODUCER_QUERY = "SELECT status, count(*), extract(epoch FROM now() - min(created_at))"
      + " FROM transfers WHERE " + PgProducerStore.UNFINISHED + " GROUP BY status";
  static final String CONSUMER_QUERY = "SELECT decision, count(*), extract(epoch FROM now() - min(decided_at))"
      + " FROM postings WHERE " + PgConsumerStore.UNCONFIRMED + " GROUP BY decision";
  /**
   * Both reads run with these, local to their transaction (store transactions turn sequential scans off
   * the same way, PgTransactions.PLANNER_SQL; these reads keep the session's custom plans, and also
   * turn parallel workers off, which a scan of a few rows never needs). Each has a partial index of
   * exactly its rows, but without statistics (a new participant, or no autovacuum yet) the planner
   * guesses that half of a boolean column's rows match, and the consumer's partial index holds an entry
   * for every posting confirmed since the last vacuum (the confirming update is not HOT): measured on a
   * benchmark's consumer after 490,000 transfers, the read was a parallel scan of the whole table
   * (19,660 pages, two workers started, 45 ms) where the partial index reads 760 pages in 0.7-4.2 ms;
   * on two busy cores that burst every 10 s was a slow second in the open loop (StateGaugesPlanTest,
   * docs/performance.md item 26).
   */
  static final String BY_INDEX_SQL =
      "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0";
  private static final String IN_FLIGHT = "in_flight";
  private static final String OLDEST_AGE = "oldest_age";

  private final String participant;
  private final DataSource dataSource;
  private final Database.Role role;
  private final Duration interval;
  private final int queryTimeoutSeconds;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter failures;
  private final Thread thread;
  /** The last read and when it began, published together so the age always describes these values. */
  private volatile Snapshot last = new Snapshot(Map.of(), 0);
  private volatile boolean running = true;

  StateGauges(MeterRegistry registry, Tags tags, String participant, DataSource dataSource, Database.Role role,
      Duration interval) {
    this.participant = participant;
    this.dataSource = dataSource;
    this.role = role;
    this.interval = interval;
    this.queryTimeoutSeconds = (int) Math.max(1, Math.min(interval.toSeconds(), 30));
    this.registry = registry;
    if (role == Database.Role.PRODUCER) {
      for (String state : PRODUCER_STATES) {
        gauge("natsbank.transfers", "Transfers at this producer not final yet, by state", tags.and("state", state),
            state);
      }
      gauge("natsbank.transfers.in.flight", "Transfers not final yet: PENDING or ACKED", tags, IN_FLIGHT);
      seconds("natsbank.transfers.oldest.unfinished.age", "Age of the oldest transfer not final yet (0 if none)",
          tags);
    } else {
      for (String decision : DECISIONS) {
        gauge("natsbank.postings", "Decisions of this consumer not confirmed yet, by decision",
            tags.and("decision", decision, "confirmed", "false"), decision);
      }
      gauge("natsbank.postings.unconfirmed", "Decisions the producer has not confirmed yet (re-sent)", tags,
          IN_FLIGHT);
      seconds("natsbank.postings.oldest.unconfirmed.age", "Age of the oldest unconfirmed decision (0 if none)",
          tags);
    }
    meters.add(Gauge.builder("natsbank.state.age", this, StateGauges::ageSeconds).tags(tags).baseUnit("seconds")
        .description("Time since the last read of the state gauges from the database began").register(registry));
    this.failures = Counter.builder("natsbank.state.refresh.failures").tags(tags)
        .description("Reads of the state gauges that failed (the gauges keep their last values)").register(registry);
    meters.add(failures);
    this.thread = Thread.ofPlatform().daemon().name("state-gauges-" + participant).start(this::loop);
  }

  private void gauge(String name, String description, Tags tags, String key) {
    meters.add(Gauge.builder(name, this, gauges -> gauges.value(key)).tags(tags).description(description)
        .register(registry));
  }

  private void seconds(String name, String description, Tags tags) {
    meters.add(Gauge.builder(name, this, gauges -> gauges.value(OLDEST_AGE)).tags(tags).baseUnit("seconds")
        .description(description).register(registry));
  }

  private double value(String key) {
    return last.values().getOrDefault(key, Double.NaN);
  }

  private double ageSeconds() {
    long at = last.startedAtNanos();
    return at == 0 ? Double.NaN : (System.nanoTime() - at) / 1e9;
  }

  private void loop() {
    boolean failing = false;
    while (running) {
      try {
        // the values are as old as the read's start: a read that began before a change and ended
        // after it must not pass for one taken after it
        long startedAtNanos = System.nanoTime();
        last = new Snapshot(read(), startedAtNanos);
        if (failing) {
          log.info("{}: state gauges read again", participant);
        }
        failing = false;
      } catch (SQLException | RuntimeException e) {
        failures.increment();
        if (!failing) {
          log.warn("{}: cannot read the unfinished transfers for the state gauges, will retry: {}", participant, e.toString());
        }
        failing = true;
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One read of the unfinished rows: counts by state or decision, their total, and the oldest age. */
  Map<String, Double> read() throws SQLException {
    boolean producer = role == Database.Role.PRODUCER;
    Map<String, Double> read = new HashMap<>();
    (producer ? PRODUCER_STATES : DECISIONS).forEach(key -> read.put(key, 0.0));
    double inFlight = 0;
    double oldestAge = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (Statement settings = connection.createStatement()) {
          settings.execute(BY_INDEX_SQL);
        }
        try (PreparedStatement statement = connection.prepareStatement(producer ? PRODUCER_QUERY : CONSUMER_QUERY)) {
          statement.setQueryTimeout(queryTimeoutSeconds);
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              String key = rows.getString(1);
              double count = rows.getLong(2);
              read.put(key, count);
              inFlight += count;
              oldestAge = Math.max(oldestAge, rows.getDouble(3));
            }
          }
        }
      } finally {
        connection.rollback(); // it only read; the settings end with it
      }
    }
    read.put(IN_FLIGHT, inFlight);
    read.put(OLDEST_AGE, oldestAge);
    return Map.copyOf(read);
  }

  private record Snapshot(Map<String, Double> values, long startedAtNanos) {}

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    meters.forEach(registry::remove);
  }
}

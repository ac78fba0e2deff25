package io.natsbank.injector.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.injector.Auditor;
import io.natsbank.injector.ParticipantDatabases;
import io.natsbank.store.pg.ArrayParameter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * What the bench reads from the databases, never during the measured window: commit counters
 * ({@code pg_stat_database.xact_commit}, read from the maintenance database so that reading them
 * commits nothing in the participants' databases), and afterwards how many transfers were confirmed
 * at the consumers and finished at the producers in each second, from the rows' own timestamps.
 * The services write those timestamps from the clock of this same machine, so they line up with the
 * bench's window.
 */
final class PhaseDatabases implements AutoCloseable {
  private static final int QUERY_TIMEOUT_SECONDS = 600;

  private final ParticipantDatabases databases;
  private final Map<String, HikariDataSource> producers = new LinkedHashMap<>();
  private final Map<String, HikariDataSource> consumers = new LinkedHashMap<>();
  private final HikariDataSource injector;

  PhaseDatabases(ParticipantDatabases databases, List<String> producerNames, List<String> consumerNames) {
    this.databases = databases;
    try {
      producerNames.forEach(name -> producers.put(name, databases.openParticipant(name)));
      consumerNames.forEach(name -> consumers.put(name, databases.openParticipant(name)));
      this.injector = databases.openInjector();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  HikariDataSource injector() {
    return injector;
  }

  /** An auditor over the same databases: the bench uses its wait for quiet. */
  Auditor auditor() {
    return new Auditor(new LinkedHashMap<String, DataSource>(producers), new LinkedHashMap<String, DataSource>(consumers),
        injector, Auditor.Settings.DEFAULT);
  }

  /** Committed transactions so far in each participant's database. */
  Map<String, Long> commits() throws SQLException {
    List<String> names = new ArrayList<>();
    producers.keySet().forEach(name -> names.add(ParticipantDatabases.databaseName(name)));
    consumers.keySet().forEach(name -> names.add(ParticipantDatabases.databaseName(name)));
    Properties properties = new Properties();
    properties.setProperty("user", databases.user());
    properties.setProperty("password", databases.password());
    properties.setProperty("ApplicationName", "injector-bench-stats");
    Map<String, Long> commits = new LinkedHashMap<>();
    try (Connection connection = DriverManager.getConnection(databases.adminJdbcUrl(), properties);
        PreparedStatement statement = connection.prepareStatement(
            "SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY(?) ORDER BY datname")) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.setObject(1, ArrayParameter.of("text", names.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          commits.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return commits;
  }

  /** Transfers created at the producers since {@code fromMillis}. */
  long transfersCreatedSince(long fromMillis) throws SQLException {
    return sum(producers, "SELECT count(*) FROM transfers WHERE created_at >= ?", fromMillis, Long.MAX_VALUE);
  }

  /** Decisions confirmed at the consumers in [fromMillis, toMillis). */
  long confirmedBetween(long fromMillis, long toMillis) throws SQLException {
    return sum(consumers, "SELECT count(*) FROM postings WHERE confirmed_at >= ? AND confirmed_at < ?", fromMillis,
        toMillis);
  }

  /** Transfers final at the producers in [fromMillis, toMillis). */
  long finishedBetween(long fromMillis, long toMillis) throws SQLException {
    return sum(producers, "SELECT count(*) FROM transfers WHERE finished_at >= ? AND finished_at < ?", fromMillis,
        toMillis);
  }

  /** Decisions confirmed at the consumers in each second from {@code fromMillis}, for {@code seconds} seconds. */
  long[] confirmedPerSecond(long fromMillis, int seconds) throws SQLException {
    long[] perSecond = new long[seconds];
    String sql = "SELECT floor(extract(epoch FROM confirmed_at - ?::timestamptz))::int AS second, count(*)"
        + " FROM postings WHERE confirmed_at >= ? AND confirmed_at < ? GROUP BY 1";
    for (HikariDataSource dataSource : consumers.values()) {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        connection.setAutoCommit(true);
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        setInstant(statement, 1, fromMillis);
        setInstant(statement, 2, fromMillis);
        setInstant(statement, 3, fromMillis + seconds * 1000L);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            int second = rows.getInt(1);
            if (second >= 0 && second < seconds) {
              perSecond[second] += rows.getLong(2);
            }
          }
        }
      }
    }
    return perSecond;
  }

  private static long sum(Map<String, HikariDataSource> dataSources, String sql, long fromMillis, long toMillis)
      throws SQLException {
    long total = 0;
    for (HikariDataSource dataSource : dataSources.values()) {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        connection.setAutoCommit(true);
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        setInstant(statement, 1, fromMillis);
        if (toMillis != Long.MAX_VALUE) {
          setInstant(statement, 2, toMillis);
        }
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          total += rows.getLong(1);
        }
      }
    }
    return total;
  }

  private static void setInstant(PreparedStatement statement, int index, long epochMillis) throws SQLException {
    statement.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
  }

  @Override
  public void close() {
    producers.values().forEach(HikariDataSource::close);
    consumers.values().forEach(HikariDataSource::close);
    if (injector != null) {
      injector.close();
    }
  }
}

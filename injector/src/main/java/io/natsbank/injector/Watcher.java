package io.natsbank.injector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads, from each participant's own database and through the views psql users query
 * ({@code transfer_status}, {@code posting_status}), what {@code injector watch} shows: transfers by
 * state, the rate over the last {@value #RATE_WINDOW_SECONDS} s, the re-sends, and the oldest
 * unfinished transfer with its age. One aggregate query and one indexed look-up per participant and
 * frame, each bounded by a query timeout; a participant that cannot be read shows why, the others
 * still show.
 */
final class Watcher {
  static final int RATE_WINDOW_SECONDS = 10;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  static final String PRODUCER_COUNTS = """
      SELECT count(*) FILTER (WHERE state = 'PENDING'),
             count(*) FILTER (WHERE state = 'ACKED'),
             count(*) FILTER (WHERE state = 'OK'),
             count(*) FILTER (WHERE state = 'REJECTED'),
             coalesce(sum(postings_sent - 1) FILTER (WHERE postings_sent > 1), 0),
             count(*) FILTER (WHERE finished_at > now() - make_interval(secs => ?))
      FROM transfer_status""";
  static final String PRODUCER_OLDEST = """
      SELECT transfer_id, state, postings_sent, extract(epoch FROM age)
      FROM transfer_status WHERE state IN ('PENDING', 'ACKED') ORDER BY submitted_at LIMIT 1""";
  static final String CONSUMER_COUNTS = """
      SELECT count(*) FILTER (WHERE decision = 'OK'),
             count(*) FILTER (WHERE decision = 'REJECTED'),
             count(*) FILTER (WHERE NOT confirmed),
             coalesce(sum(responses_sent - 1) FILTER (WHERE responses_sent > 1), 0),
             count(*) FILTER (WHERE decided_at > now() - make_interval(secs => ?))
      FROM posting_status""";
  static final String CONSUMER_OLDEST = """
      SELECT transfer_id, decision, responses_sent, extract(epoch FROM now() - decided_at)
      FROM posting_status WHERE NOT confirmed ORDER BY decided_at LIMIT 1""";

  /** The oldest transfer still waiting at a participant: at a producer not final, at a consumer unconfirmed. */
  record Oldest(UUID transferId, String state, int sent, double ageSeconds) {}

  /** A producer's line; {@code error} set (and the rest zero) when its database could not be read. */
  record ProducerRow(String name, long pending, long acked, long ok, long rejected, long resends,
      double finishedPerSecond, Oldest oldest, String error) {
    long total() {
      return pending + acked + ok + rejected;
    }
  }

  /** A consumer's line; {@code error} set (and the rest zero) when its database could not be read. */
  record ConsumerRow(String name, long ok, long rejected, long unconfirmed, long resends,
      double decidedPerSecond, Oldest oldest, String error) {}

  record Frame(Instant at, List<ProducerRow> producers, List<ConsumerRow> consumers) {}

  /** Opens a connection to one database (a pool's getConnection, or a new connection each time). */
  @FunctionalInterface
  interface ConnectionSource {
    Connection connect() throws SQLException;
  }

  private final Map<String, ConnectionSource> producers;
  private final Map<String, ConnectionSource> consumers;
  private final int queryTimeoutSeconds;

  /** {@code producers} and {@code consumers} by participant name, in display order. */
  Watcher(Map<String, ConnectionSource> producers, Map<String, ConnectionSource> consumers,
      int queryTimeoutSeconds) {
    this.producers = producers;
    this.consumers = consumers;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
  }

  Frame read() {
    List<ProducerRow> producerRows = new ArrayList<>();
    producers.forEach((name, source) -> producerRows.add(readProducer(name, source)));
    List<ConsumerRow> consumerRows = new ArrayList<>();
    consumers.forEach((name, source) -> consumerRows.add(readConsumer(name, source)));
    return new Frame(Instant.now(), producerRows, consumerRows);
  }

  private ProducerRow readProducer(String name, ConnectionSource source) {
    try (Connection connection = source.connect()) {
      connection.setAutoCommit(true);
      long[] counts = counts(connection, PRODUCER_COUNTS, 6);
      Oldest oldest = oldest(connection, PRODUCER_OLDEST);
      return new ProducerRow(name, counts[0], counts[1], counts[2], counts[3], counts[4],
          counts[5] / (double) RATE_WINDOW_SECONDS, oldest, null);
    } catch (SQLException | RuntimeException e) {
      return new ProducerRow(name, 0, 0, 0, 0, 0, 0, null, reason(e));
    }
  }

  private ConsumerRow readConsumer(String name, ConnectionSource source) {
    try (Connection connection = source.connect()) {
      connection.setAutoCommit(true);
      long[] counts = counts(connection, CONSUMER_COUNTS, 5);
      Oldest oldest = oldest(connection, CONSUMER_OLDEST);
      return new ConsumerRow(name, counts[0], counts[1], counts[2], counts[3],
          counts[4] / (double) RATE_WINDOW_SECONDS, oldest, null);
    } catch (SQLException | RuntimeException e) {
      return new ConsumerRow(name, 0, 0, 0, 0, 0, null, reason(e));
    }
  }

  private long[] counts(Connection connection, String sql, int columns) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      statement.setInt(1, RATE_WINDOW_SECONDS);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        long[] counts = new long[columns];
        for (int i = 0; i < columns; i++) {
          counts[i] = row.getLong(i + 1);
        }
        return counts;
      }
    }
  }

  private Oldest oldest(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        return new Oldest(row.getObject(1, UUID.class), row.getString(2), row.getInt(3), row.getDouble(4));
      }
    }
  }

  private static String reason(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /** The frame as text: a header line, a table of producers, a table of consumers. */
  static String render(Frame frame, String subtitle) {
    StringBuilder text = new StringBuilder();
    text.append("nats-bank watch  ").append(CLOCK.format(frame.at()))
        .append(subtitle.isEmpty() ? "" : "  " + subtitle).append('\n');
    text.append('\n');
    text.append(String.format(Locale.ROOT, "%-12s %9s %7s %9s %9s %9s %11s %9s  %s%n", "producer", "PENDING",
        "ACKED", "OK", "REJECTED", "total", "finished/s", "re-sends", "oldest unfinished"));
    for (ProducerRow row : frame.producers()) {
      if (row.error() != null) {
        text.append(String.format(Locale.ROOT, "%-12s unreachable: %s%n", row.name(), row.error()));
        continue;
      }
      text.append(String.format(Locale.ROOT, "%-12s %9d %7d %9d %9d %9d %11.1f %9d  %s%n", row.name(),
          row.pending(), row.acked(), row.ok(), row.rejected(), row.total(), row.finishedPerSecond(), row.resends(),
          describe(row.oldest(), "posting")));
    }
    text.append('\n');
    text.append(String.format(Locale.ROOT, "%-12s %9s %9s %11s %11s %9s  %s%n", "consumer", "OK", "REJECTED",
        "unconfirmed", "decided/s", "re-sends", "oldest unconfirmed"));
    for (ConsumerRow row : frame.consumers()) {
      if (row.error() != null) {
        text.append(String.format(Locale.ROOT, "%-12s unreachable: %s%n", row.name(), row.error()));
        continue;
      }
      text.append(String.format(Locale.ROOT, "%-12s %9d %9d %11d %11.1f %9d  %s%n", row.name(), row.ok(),
          row.rejected(), row.unconfirmed(), row.decidedPerSecond(), row.resends(),
          describe(row.oldest(), "response")));
    }
    return text.toString();
  }

  private static String describe(Oldest oldest, String sentNoun) {
    if (oldest == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%s %s, %d %s%s, %s old", oldest.transferId(), oldest.state(),
        oldest.sent(), sentNoun, oldest.sent() == 1 ? "" : "s", age(oldest.ageSeconds()));
  }

  /** An age a person reads at a glance: 850 ms, 4.2 s, 3 min 05 s, 2 h 07 min. */
  static String age(double seconds) {
    if (seconds < 1) {
      return Math.round(seconds * 1000) + " ms";
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long whole = (long) seconds;
    if (whole < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
  }
}

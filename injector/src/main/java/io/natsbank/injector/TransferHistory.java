package io.natsbank.injector;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A transfer's history as each side recorded it, read from the participants' databases: the
 * producer's row (view {@code transfer_status}) and its entries, the consumer's row (view
 * {@code posting_status}) and its entries, the injector's record of the submit when it has one; then
 * one timeline that merges the moments each of them stored. A database that cannot be read is named
 * with the reason; the others are still read.
 */
final class TransferHistory {
  static final String PRODUCER_ROW = """
      SELECT producer, consumer, payer, payee, amount, currency, state, final, cause, reason, postings_sent,
             submitted_at, finished_at, next_resend_at
      FROM transfer_status WHERE transfer_id = ?""";
  static final String CONSUMER_ROW = """
      SELECT producer, consumer, payer, payee, amount, currency, decision, cause, reason, confirmed, responses_sent,
             decided_at, confirmed_at, next_resend_at
      FROM posting_status WHERE transfer_id = ?""";
  static final String ENTRIES = "SELECT kind, account, amount, created_at FROM entries WHERE transfer_id = ?"
      + " ORDER BY created_at, kind";
  static final String SUBMISSION = """
      SELECT producer, consumer, submitted_at, acknowledged, attempts, reply_result, reply_state, refused_code,
             replied_at
      FROM submissions WHERE id = ?""";

  /** Every instant printed to the millisecond, in UTC, so that columns line up. */
  private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private record Moment(Instant at, String who, String what) {}

  private final Map<String, Watcher.ConnectionSource> producers;
  private final Map<String, Watcher.ConnectionSource> consumers;
  private final Watcher.ConnectionSource injector;
  private final int queryTimeoutSeconds;
  private final List<Moment> timeline = new ArrayList<>();
  private String consumerNamed;

  /** {@code injector} may be null: the injector's own record is then left out. */
  TransferHistory(Map<String, Watcher.ConnectionSource> producers, Map<String, Watcher.ConnectionSource> consumers,
      Watcher.ConnectionSource injector, int queryTimeoutSeconds) {
    this.producers = producers;
    this.consumers = consumers;
    this.injector = injector;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
  }

  /**
   * Prints the history of {@code id}. Producers are all read; consumers are those given, or, when none
   * is given, the one the producer's row names (found through {@code consumerFor}). Returns whether
   * any database knows the transfer.
   */
  boolean print(UUID id, Function<String, Watcher.ConnectionSource> consumerFor, PrintStream out) {
    timeline.clear();
    out.println("history of " + id + ", as each database recorded it:");
    boolean known = false;
    for (Map.Entry<String, Watcher.ConnectionSource> producer : producers.entrySet()) {
      known |= read("producer", producer.getKey(), producer.getValue(), out, connection -> producer(connection, id,
          producer.getKey(), out));
    }
    Map<String, Watcher.ConnectionSource> consumersToRead = new LinkedHashMap<>(consumers);
    if (consumersToRead.isEmpty() && consumerNamed != null && consumerFor != null) {
      consumersToRead.put(consumerNamed, consumerFor.apply(consumerNamed));
    }
    for (Map.Entry<String, Watcher.ConnectionSource> consumer : consumersToRead.entrySet()) {
      known |= read("consumer", consumer.getKey(), consumer.getValue(), out, connection -> consumer(connection, id,
          consumer.getKey(), out));
    }
    if (injector != null) {
      read("injector", "record", injector, out, connection -> submission(connection, id, out));
    }
    if (!timeline.isEmpty()) {
      out.println("timeline (each by its own database's clock):");
      timeline.stream().sorted(Comparator.comparing(Moment::at)).forEach(moment ->
          out.printf("  %s  %-12s  %s%n", INSTANT.format(moment.at()), moment.who(), moment.what()));
    }
    return known;
  }

  @FunctionalInterface
  private interface Reader {
    boolean read(Connection connection) throws SQLException;
  }

  private boolean read(String role, String name, Watcher.ConnectionSource source, PrintStream out, Reader reader) {
    try (Connection connection = source.connect()) {
      connection.setAutoCommit(true);
      return reader.read(connection);
    } catch (SQLException | RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      out.println("  " + role + " " + name + ": unreachable: " + message.lines().findFirst().orElse(message));
      return false;
    }
  }

  private boolean producer(Connection connection, UUID id, String name, PrintStream out) throws SQLException {
    try (PreparedStatement statement = prepare(connection, PRODUCER_ROW, id); ResultSet row = statement.executeQuery()) {
      if (!row.next()) {
        out.println("  producer " + name + ": no such transfer");
        return false;
      }
      consumerNamed = row.getString("consumer");
      int postings = row.getInt("postings_sent");
      String state = row.getString("state");
      String cause = row.getString("cause");
      out.println("  producer " + name + ": state=" + state + " final=" + row.getBoolean("final")
          + " cause=" + dash(cause) + " postings_sent=" + postings + " submitted_at=" + instant(row, "submitted_at")
          + " finished_at=" + instant(row, "finished_at") + " next_resend_at=" + instant(row, "next_resend_at"));
      out.println("    " + terms(row) + reason(row));
      moment(row, "submitted_at", name, postings == 0 && cause != null
          ? "submitted, rejected at once: " + cause : "submitted: stored PENDING, posted to " + consumerNamed);
      moment(row, "finished_at", name, postings == 0 ? "final: REJECTED " + cause
          : "outcome " + state + (cause == null ? "" : " " + cause) + " applied after " + postings + " posting(s)");
    }
    entries(connection, id, name, out);
    return true;
  }

  private boolean consumer(Connection connection, UUID id, String name, PrintStream out) throws SQLException {
    try (PreparedStatement statement = prepare(connection, CONSUMER_ROW, id); ResultSet row = statement.executeQuery()) {
      if (!row.next()) {
        out.println("  consumer " + name + ": no such transfer (no posting decided)");
        return false;
      }
      String decision = row.getString("decision");
      String cause = row.getString("cause");
      int responses = row.getInt("responses_sent");
      out.println("  consumer " + name + ": decision=" + decision + " cause=" + dash(cause)
          + " confirmed=" + row.getBoolean("confirmed") + " responses_sent=" + responses
          + " decided_at=" + instant(row, "decided_at") + " confirmed_at=" + instant(row, "confirmed_at")
          + " next_resend_at=" + instant(row, "next_resend_at"));
      out.println("    " + terms(row) + reason(row));
      moment(row, "decided_at", name, "decided " + decision + (cause == null ? "" : " " + cause));
      moment(row, "confirmed_at", name, "confirmed after " + responses + " response(s): re-sends stop");
    }
    entries(connection, id, name, out);
    return true;
  }

  private void entries(Connection connection, UUID id, String name, PrintStream out) throws SQLException {
    try (PreparedStatement statement = prepare(connection, ENTRIES, id); ResultSet row = statement.executeQuery()) {
      while (row.next()) {
        String kind = row.getString("kind");
        String line = kind + " " + row.getString("account") + " " + row.getBigDecimal("amount").toPlainString();
        out.println("    entry " + line + " at " + instant(row, "created_at"));
        moment(row, "created_at", name, switch (kind) {
          case "DEBIT" -> "payer debited: " + line;
          case "REFUND" -> "payer refunded: " + line;
          case "CREDIT" -> "payee credited: " + line;
          default -> line;
        });
      }
    }
  }

  private boolean submission(Connection connection, UUID id, PrintStream out) throws SQLException {
    try (PreparedStatement statement = prepare(connection, SUBMISSION, id); ResultSet row = statement.executeQuery()) {
      if (!row.next()) {
        out.println("  injector: no record of a submit of this transfer");
        return false;
      }
      out.println("  injector: submitted to " + row.getString("producer") + " at " + instant(row, "submitted_at")
          + " attempts=" + row.getInt("attempts") + " acknowledged=" + row.getBoolean("acknowledged")
          + " reply=" + dash(row.getString("reply_result")) + " reply_state=" + dash(row.getString("reply_state"))
          + " refused=" + dash(row.getString("refused_code")) + " replied_at=" + instant(row, "replied_at"));
      moment(row, "replied_at", "injector", "reply " + dash(row.getString("reply_result"))
          + (row.getString("reply_state") == null ? "" : " " + row.getString("reply_state")));
      return true;
    }
  }

  private PreparedStatement prepare(Connection connection, String sql, UUID id) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(queryTimeoutSeconds);
    statement.setObject(1, id);
    return statement;
  }

  private void moment(ResultSet row, String column, String who, String what) throws SQLException {
    Timestamp at = row.getTimestamp(column);
    if (at != null) {
      timeline.add(new Moment(at.toInstant(), who, what));
    }
  }

  private static String terms(ResultSet row) throws SQLException {
    BigDecimal amount = row.getBigDecimal("amount");
    return "producer=" + row.getString("producer") + " consumer=" + row.getString("consumer") + " payer="
        + row.getString("payer") + " payee=" + row.getString("payee") + " amount=" + amount.toPlainString() + " "
        + row.getString("currency");
  }

  private static String reason(ResultSet row) throws SQLException {
    String reason = row.getString("reason");
    return reason == null ? "" : " reason=\"" + reason + "\"";
  }

  private static String instant(ResultSet row, String column) throws SQLException {
    Timestamp at = row.getTimestamp(column);
    return at == null ? "-" : INSTANT.format(at.toInstant());
  }

  private static String dash(String value) {
    return value == null ? "-" : value;
  }
}

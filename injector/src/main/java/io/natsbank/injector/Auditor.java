package io.natsbank.injector;

import io.natsbank.injector.AuditRows.EntryRow;
import io.natsbank.injector.AuditRows.PostingRow;
import io.natsbank.injector.AuditRows.SubmissionRow;
import io.natsbank.injector.AuditRows.Terms;
import io.natsbank.injector.AuditRows.TransferRow;
import io.natsbank.injector.SnapshotReader.Cursor;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Checks the invariants of DESIGN.md across every participant's database and the injector's own
 * record. Each database is read in one snapshot; all of them are streamed in transfer-id order and
 * merged in Java (a k-way sorted merge), so memory holds one transfer's evidence at a time, not the
 * transfers. Per-account checks (balance = opening + entries, no negative balance) and money
 * conservation are added up along the way. Meaningful once the system is quiet.
 */
public final class Auditor {

  /** Rows fetched per round trip, offenders printed per kind, the longest any one query may run. */
  public record Settings(int fetchSize, int offendersShownMax, int queryTimeoutSeconds) {
    public static final Settings DEFAULT = new Settings(10_000, 20, 3_600);

    public Settings {
      if (fetchSize < 1 || offendersShownMax < 0 || queryTimeoutSeconds < 1) {
        throw new IllegalArgumentException("fetch size and query timeout must be positive");
      }
    }
  }

  /** Work still under way: unfinished transfers at producers, unconfirmed decisions at consumers. */
  public record Activity(long unfinishedTransfers, long unconfirmedPostings) {
    public boolean quiet() {
      return unfinishedTransfers == 0 && unconfirmedPostings == 0;
    }
  }

  private static final String SUBMISSIONS = """
      SELECT id, producer, consumer, payer, payee, amount, currency, acknowledged
      FROM submissions ORDER BY id""";
  private static final String TRANSFERS = """
      SELECT id, producer, consumer, payer, payee, amount, currency, status, cause, sent
      FROM transfers ORDER BY id""";
  private static final String POSTINGS = """
      SELECT id, producer, consumer, payer, payee, amount, currency, decision, cause, confirmed
      FROM postings ORDER BY id""";
  private static final String ENTRIES = """
      SELECT e.transfer_id, e.kind, e.account, e.amount, a.currency
      FROM entries e LEFT JOIN accounts a ON a.id = e.account ORDER BY e.transfer_id, e.kind""";
  private static final String ACCOUNTS = """
      SELECT a.id, a.currency, a.balance, a.opening_balance, coalesce(m.delta, 0) AS delta
      FROM accounts a LEFT JOIN (
        SELECT account, sum(CASE WHEN kind = 'DEBIT' THEN -amount ELSE amount END) AS delta
        FROM entries GROUP BY account) m ON m.account = a.id""";

  private final Map<String, DataSource> producers;
  private final Map<String, DataSource> consumers;
  private final DataSource injector;
  private final Settings settings;
  private final TransferChecks checks = new TransferChecks();

  public Auditor(Map<String, DataSource> producers, Map<String, DataSource> consumers, DataSource injector,
      Settings settings) {
    this.producers = new LinkedHashMap<>(producers);
    this.consumers = new LinkedHashMap<>(consumers);
    this.injector = injector;
    this.settings = settings;
  }

  /** How much work is still under way, summed over all participants. */
  public Activity activity() {
    long unfinished = 0;
    for (Map.Entry<String, DataSource> producer : producers.entrySet()) {
      unfinished += count(producer.getKey(), producer.getValue(),
          "SELECT count(*) FROM transfers WHERE status IN ('PENDING', 'ACKED')");
    }
    long unconfirmed = 0;
    for (Map.Entry<String, DataSource> consumer : consumers.entrySet()) {
      unconfirmed += count(consumer.getKey(), consumer.getValue(), "SELECT count(*) FROM postings WHERE NOT confirmed");
    }
    return new Activity(unfinished, unconfirmed);
  }

  /**
   * Polls {@link #activity()} once per {@code pollInterval} until the system is quiet or {@code max}
   * has passed; {@code progress} hears each poll. Returns the last activity seen.
   */
  public Activity waitForQuiet(Duration max, Duration pollInterval, Consumer<Activity> progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    Activity activity = activity();
    while (!activity.quiet() && System.nanoTime() < deadline) {
      progress.accept(activity);
      long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      Thread.sleep(Math.min(pollInterval.toMillis(), remainingMillis));
      activity = activity();
    }
    return activity;
  }

  public AuditReport audit() {
    AuditTally tally = new AuditTally(settings.offendersShownMax());
    List<SnapshotReader> readers = new ArrayList<>();
    List<Cursor<?>> cursors = new ArrayList<>();
    try {
      SnapshotReader injectorReader = open(readers, "injector", injector);
      cursors.add(injectorReader.cursor(SUBMISSIONS, Auditor::submission, SubmissionRow::id,
          TransferEvidence::addSubmission));
      for (Map.Entry<String, DataSource> producer : producers.entrySet()) {
        SnapshotReader reader = open(readers, producer.getKey(), producer.getValue());
        String name = producer.getKey();
        cursors.add(reader.cursor(TRANSFERS, row -> transfer(name, row), TransferRow::id,
            TransferEvidence::addTransfer));
        cursors.add(reader.cursor(ENTRIES, row -> entry(name, row), EntryRow::transferId,
            TransferEvidence::addProducerEntry));
      }
      for (Map.Entry<String, DataSource> consumer : consumers.entrySet()) {
        SnapshotReader reader = open(readers, consumer.getKey(), consumer.getValue());
        String name = consumer.getKey();
        cursors.add(reader.cursor(POSTINGS, row -> posting(name, row), PostingRow::id,
            TransferEvidence::addPosting));
        cursors.add(reader.cursor(ENTRIES, row -> entry(name, row), EntryRow::transferId,
            TransferEvidence::addConsumerEntry));
      }
      merge(cursors, tally);
      for (SnapshotReader reader : readers.subList(1, readers.size())) {
        checkAccounts(reader, tally);
      }
      return tally.report();
    } finally {
      cursors.forEach(Cursor::close);
      readers.forEach(SnapshotReader::close);
    }
  }

  private SnapshotReader open(List<SnapshotReader> readers, String participant, DataSource dataSource) {
    SnapshotReader reader = new SnapshotReader(participant, dataSource, settings.fetchSize(),
        settings.queryTimeoutSeconds());
    readers.add(reader);
    return reader;
  }

  /** The k-way merge: take the smallest id at the head of any cursor, gather its rows from all, check it. */
  private void merge(List<Cursor<?>> cursors, AuditTally tally) {
    TransferEvidence evidence = new TransferEvidence();
    while (true) {
      UUID next = null;
      for (Cursor<?> cursor : cursors) {
        UUID id = cursor.peekId();
        if (id != null && (next == null || UuidV7.ORDER.compare(id, next) < 0)) {
          next = id;
        }
      }
      if (next == null) {
        return;
      }
      evidence.reset(next);
      for (Cursor<?> cursor : cursors) {
        while (next.equals(cursor.peekId())) {
          cursor.takeInto(evidence);
        }
      }
      checks.check(evidence, tally);
    }
  }

  /** An account with the sum of its entries' effects. */
  private record AccountRow(String id, String currency, BigDecimal balance, BigDecimal opening, BigDecimal delta) {}

  private static void checkAccounts(SnapshotReader reader, AuditTally tally) {
    reader.forEach(ACCOUNTS, row -> new AccountRow(row.getString(1), row.getString(2), row.getBigDecimal(3),
        row.getBigDecimal(4), row.getBigDecimal(5)), account -> {
          tally.addMoney(tally.openingByCurrency, account.currency(), account.opening());
          tally.addMoney(tally.balanceByCurrency, account.currency(), account.balance());
          String where = account.id() + "@" + reader.participant();
          BigDecimal expected = account.opening().add(account.delta());
          if (account.balance().compareTo(expected) != 0) {
            tally.offend(Violation.BALANCE, where + " (balance " + account.balance().toPlainString() + ", opening "
                + account.opening().toPlainString() + " + entries " + account.delta().toPlainString() + " = "
                + expected.toPlainString() + ")");
          }
          if (account.balance().signum() < 0) {
            tally.offend(Violation.NEGATIVE, where + " (balance " + account.balance().toPlainString() + ")");
          }
        });
  }

  private long count(String participant, DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setQueryTimeout(settings.queryTimeoutSeconds());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        long count = rows.getLong(1);
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        return count;
      }
    } catch (SQLException e) {
      throw new AuditException("cannot read the database of " + participant + ": " + e.getMessage(), e);
    }
  }

  private static Terms terms(ResultSet row) throws SQLException {
    return new Terms(row.getString("producer"), row.getString("consumer"), row.getString("payer"),
        row.getString("payee"), row.getBigDecimal("amount"), row.getString("currency"));
  }

  private static SubmissionRow submission(ResultSet row) throws SQLException {
    return new SubmissionRow(row.getObject("id", UUID.class), terms(row), row.getBoolean("acknowledged"));
  }

  private static TransferRow transfer(String database, ResultSet row) throws SQLException {
    return new TransferRow(row.getObject("id", UUID.class), database, terms(row), row.getString("status"),
        row.getString("cause"), row.getBoolean("sent"));
  }

  private static PostingRow posting(String database, ResultSet row) throws SQLException {
    return new PostingRow(row.getObject("id", UUID.class), database, terms(row), row.getString("decision"),
        row.getString("cause"), row.getBoolean("confirmed"));
  }

  private static EntryRow entry(String database, ResultSet row) throws SQLException {
    return new EntryRow(row.getObject(1, UUID.class), database, row.getString(2), row.getString(3),
        row.getBigDecimal(4), row.getString(5));
  }
}

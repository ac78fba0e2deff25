package io.natsbank.injector;

import io.natsbank.store.pg.ArrayParameter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submission log in the injector's PostgreSQL database ({@code db/injector} migrations).
 * Submissions are inserted in one statement per chunk before they are sent; replies are queued and
 * appended by one thread in batches (one statement per batch), so acknowledgements cost no round trip
 * each, and no update: the view {@code submissions} folds each transfer's replies into its row.
 * {@link #flush()} waits until everything queued is committed.
 *
 * <p>The injector's database may go away for a while (a PostgreSQL restart in a chaos run): every
 * write is retried, same content, until {@link #WRITE_PATIENCE_DEFAULT} has passed since its first
 * try. A chunk of submissions whose commit went unanswered may have been stored: the retry inserts
 * what is missing (the first try inserts it all, and a key stored already fails it) and checks that
 * the whole chunk is there. Nothing is ever sent before its submission is committed, so an outage
 * delays firing but never loses the record.
 */
public final class PgSubmissionLog implements SubmissionLog {
  private static final Logger log = LoggerFactory.getLogger(PgSubmissionLog.class);
  static final int QUEUE_CAPACITY = 100_000;
  static final int BATCH_SIZE_MAX = 5_000;
  private static final int QUERY_TIMEOUT_SECONDS = 60;
  /** How long a write keeps trying a database that does not answer before the log gives up. */
  static final Duration WRITE_PATIENCE_DEFAULT = Duration.ofMinutes(5);
  private static final long WRITE_RETRY_MILLIS_MAX = 2_000;
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration OFFER_TIMEOUT = Duration.ofMinutes(1);
  /**
   * After the first reply of a batch the writer waits this long for more (unless a flush waits, the
   * batch is full or the log is closing): replies are not on any sender's path, and an append of a
   * few hundred costs little more than an append of a few. Without it the writer took whatever had
   * queued since its last commit, tens of replies at the open loop's 5,600/s on two busy cores, and
   * its database used 20-23 µs per transfer there (12.0 with it) against 12-14 at saturation.
   */
  static final Duration REPLY_LINGER_DEFAULT = Duration.ofMillis(50);

  /**
   * A chunk's first try: the ids are fresh, so a row already stored under one of them is a bug, and
   * the unique key refuses it. A speculative insert ({@link #INSERT_MISSING}) costs about half as
   * much again per row (measured: 3.2 against 2.2 µs), and only a retry needs it.
   */
  static final String INSERT = """
      INSERT INTO submitted (id, run_id, producer, consumer, payer, payee, amount, currency, intent)
      SELECT u.id, ?, u.producer, u.consumer, u.payer, u.payee, u.amount, u.currency, u.intent
      FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::text[])
        AS u(id, producer, consumer, payer, payee, amount, currency, intent)""";

  /** A retry of a chunk whose earlier try may have committed unanswered: what of it is not stored yet. */
  static final String INSERT_MISSING = INSERT + "\nON CONFLICT (id) DO NOTHING";

  /**
   * When the insert stored fewer than the whole chunk: how many of it are stored for this run (an
   * earlier try whose commit went unanswered may have stored them all).
   */
  private static final String COUNT_STORED = "SELECT count(*) FROM submitted WHERE run_id = ? AND id = ANY(?::uuid[])";

  /**
   * Replies are appended, never updated (the {@code submissions} view folds them per transfer). Only
   * replies about recorded submissions are kept: the row count tells whether one was not.
   *
   * <p>Each reply looks its submission up by key. The {@code OFFSET 0} keeps the EXISTS a lookup per
   * reply: without it PostgreSQL turns the EXISTS into a join and, for a batch of a thousand replies
   * or more, plans a hash join over a sequential scan of the whole {@code submitted} table (its
   * estimate of the table is all it has; the bench's machine runs no autovacuum). That made every
   * batch cost in proportion to everything recorded so far: 142 ms for 1,800 replies against 355,000
   * submissions, 27 ms with the lookups. Whether the planner chose the scan depended on the batch's
   * size and its estimate of the table's, so some bench runs had the record's database take 27-45 µs
   * of CPU per transfer at saturation and others 14.5, which it now takes in every run.
   */
  static final String APPEND_REPLIES = """
      INSERT INTO replies (id, acknowledged, result, state, refused_code, attempts)
      SELECT u.id, u.acknowledged, u.result, u.state, u.code, u.attempts
      FROM unnest(?::uuid[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::int[])
        AS u(id, acknowledged, result, state, code, attempts)
      WHERE EXISTS (SELECT 1 FROM submitted s WHERE s.id = u.id OFFSET 0)""";

  private final DataSource dataSource;
  private final long runId;
  private final Duration writePatience;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final long replyLingerNanos;
  private final Thread writer;
  private volatile boolean open = true;

  public PgSubmissionLog(DataSource dataSource, long runId) {
    this(dataSource, runId, WRITE_PATIENCE_DEFAULT);
  }

  PgSubmissionLog(DataSource dataSource, long runId, Duration writePatience) {
    this(dataSource, runId, writePatience, REPLY_LINGER_DEFAULT);
  }

  PgSubmissionLog(DataSource dataSource, long runId, Duration writePatience, Duration replyLinger) {
    if (replyLinger.isNegative()) {
      throw new IllegalArgumentException("the reply linger must not be negative, got " + replyLinger);
    }
    this.dataSource = dataSource;
    this.runId = runId;
    this.writePatience = writePatience;
    this.replyLingerNanos = replyLinger.toNanos();
    this.writer = Thread.ofPlatform().name("submission-log").daemon().start(this::writeLoop);
  }

  /** Records the start of a fire run and returns its id, waiting out an outage of the database. */
  public static long startRun(DataSource dataSource, long transfers, long seed, String mix) {
    return startRun(dataSource, transfers, seed, mix, WRITE_PATIENCE_DEFAULT);
  }

  static long startRun(DataSource dataSource, long transfers, long seed, String mix, Duration patience) {
    // a retry after an unanswered commit may leave an empty run row behind: harmless, nothing refers to it
    return withRetries("recording the run in the injector database", patience, () -> {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(
              "INSERT INTO runs (transfers, seed, mix) VALUES (?, ?, ?) RETURNING id")) {
        connection.setAutoCommit(true); // pools hand out connections with auto-commit off
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        statement.setLong(1, transfers);
        statement.setLong(2, seed);
        statement.setString(3, mix);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    });
  }

  public void finishRun(String summary) {
    withRetries("recording the end of run " + runId, writePatience, () -> {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(
              "UPDATE runs SET finished_at = now(), summary = ? WHERE id = ?")) {
        connection.setAutoCommit(true);
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        statement.setString(1, summary);
        statement.setLong(2, runId);
        return statement.executeUpdate();
      }
    });
  }

  @Override
  public void recordSubmitted(List<PlannedTransfer> transfers) {
    int size = transfers.size();
    Object[] ids = new Object[size];
    String[][] text = new String[6][size];
    Object[] amounts = new Object[size];
    for (int i = 0; i < size; i++) {
      PlannedTransfer transfer = transfers.get(i);
      ids[i] = transfer.request().transferId();
      text[0][i] = transfer.producer();
      text[1][i] = transfer.request().consumer();
      text[2][i] = transfer.request().payer();
      text[3][i] = transfer.request().payee();
      amounts[i] = transfer.request().amount().amount();
      text[4][i] = transfer.request().amount().currency().name();
      text[5][i] = transfer.intent().label();
    }
    boolean[] tried = {false};
    long stored = withRetries("recording " + size + " submissions in the injector database", writePatience, () -> {
      boolean retry = tried[0];
      tried[0] = true;
      try (Connection connection = dataSource.getConnection()) {
        int inserted = insertSubmissions(connection, retry ? INSERT_MISSING : INSERT, ids, text, amounts);
        return inserted == size ? inserted : countStored(connection, ids);
      }
    });
    if (stored != size) {
      // the ids are fresh UUIDs: another run holding one of them is a bug
      throw new IllegalStateException("stored " + stored + " submissions of " + size + " for run " + runId);
    }
  }

  /** Inserts the chunk with {@code sql} ({@link #INSERT} or {@link #INSERT_MISSING}); returns how many rows it inserted. */
  private int insertSubmissions(Connection connection, String sql, Object[] ids, String[][] text, Object[] amounts)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.setLong(1, runId);
      statement.setObject(2, ArrayParameter.of("uuid", ids));
      for (int column = 0; column < 4; column++) {
        statement.setObject(3 + column, ArrayParameter.of("text", text[column]));
      }
      statement.setObject(7, ArrayParameter.of("numeric", amounts));
      statement.setObject(8, ArrayParameter.of("text", text[4]));
      statement.setObject(9, ArrayParameter.of("text", text[5]));
      int inserted = statement.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return inserted;
    }
  }

  private long countStored(Connection connection, Object[] ids) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(COUNT_STORED)) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.setLong(1, runId);
      statement.setObject(2, ArrayParameter.of("uuid", ids));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        long count = rows.getLong(1);
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
        return count;
      }
    }
  }

  /** One database action that may fail for a while: a connection or a statement that throws SQLException. */
  @FunctionalInterface
  interface SqlAction<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code action} until it succeeds, pausing 100 ms, 200 ms, ... up to {@link #WRITE_RETRY_MILLIS_MAX}
   * between tries while the database cannot be reached ({@link #isUnreachable}); gives up with a
   * {@link SubmissionLogException} once {@code patience} has passed, or at once on any other failure.
   */
  static <T> T withRetries(String what, Duration patience, SqlAction<T> action) {
    long deadlineNanos = System.nanoTime() + patience.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return action.run();
      } catch (SQLException e) {
        if (!isUnreachable(e)) {
          throw new SubmissionLogException(what + " failed: " + e.getMessage(), e);
        }
        if (System.nanoTime() >= deadlineNanos) {
          throw new SubmissionLogException(what + " failed for " + patience.toSeconds() + " s (" + attempt
              + " attempts), giving up: " + e.getMessage(), e);
        }
        log.warn("{} failed (attempt {}), retrying: {}", what, attempt, e.getMessage());
        try {
          Thread.sleep(Math.min(WRITE_RETRY_MILLIS_MAX, 100L << Math.min(attempt, 10)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new SubmissionLogException("interrupted while " + what, interrupted);
        }
      }
    }
  }

  @Override
  public void recordReply(ReplyRecord reply) {
    enqueue(reply);
  }

  @Override
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(done);
    try {
      done.get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SubmissionLogException("interrupted while flushing the submission log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SubmissionLogException("replies could not be recorded: " + e.getMessage(), e);
    }
  }

  private void enqueue(Object item) {
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    if (!open) {
      throw new SubmissionLogException("the submission log is closed", null);
    }
    try {
      if (!queue.offer(item, OFFER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SubmissionLogException("the submission log writer is stuck: queue full for " + OFFER_TIMEOUT, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SubmissionLogException("interrupted while recording a reply", e);
    }
  }

  private void writeLoop() {
    List<Object> drained = new ArrayList<>(BATCH_SIZE_MAX);
    while (open || !queue.isEmpty()) {
      try {
        Object first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        drained.add(first);
        queue.drainTo(drained, BATCH_SIZE_MAX - 1);
        lingerForMore(drained);
        writeDrained(drained);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        drained.clear();
      }
    }
  }

  /**
   * Sleeps {@link #replyLingerNanos} and takes what queued meanwhile, unless a flush is waiting, the
   * batch is full or the log is closing. A sleep, not a wait on the queue: replies arriving meanwhile
   * do not wake the writer one by one.
   */
  private void lingerForMore(List<Object> drained) throws InterruptedException {
    if (replyLingerNanos == 0 || drained.size() >= BATCH_SIZE_MAX || !open
        || drained.stream().anyMatch(CompletableFuture.class::isInstance)) {
      return;
    }
    Thread.sleep(Duration.ofNanos(replyLingerNanos));
    queue.drainTo(drained, BATCH_SIZE_MAX - drained.size());
  }

  /** Writes the replies of a drained run of items, completing flush markers only once all before them are written. */
  private void writeDrained(List<Object> drained) {
    Map<UUID, ReplyRecord> batch = new LinkedHashMap<>();
    for (Object item : drained) {
      if (item instanceof ReplyRecord reply) {
        batch.merge(reply.id(), reply, PgSubmissionLog::merge);
      } else if (item instanceof CompletableFuture<?> marker) {
        writeWithRetries(batch);
        batch.clear();
        RuntimeException failed = failure.get();
        if (failed == null) {
          marker.complete(null);
        } else {
          marker.completeExceptionally(failed);
        }
      }
    }
    writeWithRetries(batch);
  }

  /** Two replies about one transfer in one batch: the later one wins, but an acknowledgement stays. */
  static ReplyRecord merge(ReplyRecord earlier, ReplyRecord later) {
    if (earlier.acknowledged() && !later.acknowledged()) {
      return new ReplyRecord(later.id(), earlier.result(), later.state() == null ? earlier.state() : later.state(),
          null, Math.max(earlier.attempts(), later.attempts()));
    }
    return later;
  }

  /**
   * Like {@link #withRetries} for actions that wrap database failures in runtime exceptions (opening a
   * pool, running migrations): retried while the cause is a database that cannot be reached.
   */
  static <T> T whenReachable(String what, Duration patience, Supplier<T> action) {
    return withRetries(what, patience, () -> {
      try {
        return action.get();
      } catch (RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
          if (cause instanceof SQLException sql && isUnreachable(sql)) {
            throw sql;
          }
        }
        throw e;
      }
    });
  }

  /**
   * Whether a failure means the server is away (restarting, crashed, not accepting connections) rather
   * than refusing the statement: SQLSTATE class 08 (connection), 53 (insufficient resources), 57
   * (operator intervention: shutdown, crash, "the database system is starting up"), a transient
   * connection failure of the pool, or no SQLSTATE at all (the client's own view, such as "Connection
   * is closed" for a connection the pool dropped; a statement the server refuses always has one).
   */
  static boolean isUnreachable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException || state == null
        || state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
  }

  private void writeWithRetries(Map<UUID, ReplyRecord> batch) {
    if (batch.isEmpty() || failure.get() != null) {
      return;
    }
    try {
      withRetries("recording " + batch.size() + " replies", writePatience, () -> {
        writeBatch(batch.values());
        return null;
      });
    } catch (SubmissionLogException e) {
      failure.set(e);
    }
  }

  private void writeBatch(java.util.Collection<ReplyRecord> replies) throws SQLException {
    int size = replies.size();
    Object[] ids = new Object[size];
    Object[] acknowledged = new Object[size];
    String[] results = new String[size];
    String[] states = new String[size];
    String[] codes = new String[size];
    Object[] attempts = new Object[size];
    int i = 0;
    for (ReplyRecord reply : replies) {
      ids[i] = reply.id();
      acknowledged[i] = reply.acknowledged();
      results[i] = reply.result() == io.natsbank.codec.ApiCodec.Result.FOUND ? null : reply.result().name();
      states[i] = reply.state() == null ? null : reply.state().name();
      codes[i] = reply.refusedCode() == null ? null : reply.refusedCode().name();
      attempts[i] = reply.attempts();
      i++;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(APPEND_REPLIES)) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.setObject(1, ArrayParameter.of("uuid", ids));
      statement.setObject(2, ArrayParameter.of("bool", acknowledged));
      statement.setObject(3, ArrayParameter.of("text", results));
      statement.setObject(4, ArrayParameter.of("text", states));
      statement.setObject(5, ArrayParameter.of("text", codes));
      statement.setObject(6, ArrayParameter.of("int4", attempts));
      int appended = statement.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      if (appended != size) {
        // every reply is about a transfer inserted before it was sent: anything else is a bug
        failure.set(new SubmissionLogException("recorded " + appended + " replies of " + size
            + ": some replies name transfers that were never recorded", null));
      }
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      writer.join(FLUSH_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The submission log cannot do its job: the run's record would be incomplete. */
  public static final class SubmissionLogException extends RuntimeException {
    public SubmissionLogException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

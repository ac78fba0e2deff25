package io.natsbank.store.pg;

import io.natsbank.node.ConsumerStore;
import io.natsbank.node.ConsumerStore.Found;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Entry;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The consumer's store on PostgreSQL (schema {@code db/consumer}). Several instances may share one
 * database: transfer ids are serialised by advisory locks, rows by {@code FOR UPDATE}, and re-send
 * scans skip the rows another instance holds.
 */
public final class PgConsumerStore implements ConsumerStore {
  /**
   * Decisions not confirmed yet: exactly the predicate of the partial index {@code postings_due}, so
   * that the re-send scans and the state gauges read that small index and not the whole table.
   */
  public static final String UNCONFIRMED = "NOT confirmed";

  static final String CLAIM_DUE_SQL = "SELECT ctid, " + PostingRows.COLUMNS + " FROM postings"
      + " WHERE " + UNCONFIRMED + " AND next_resend_at <= ?"
      + " ORDER BY next_resend_at LIMIT ? FOR UPDATE SKIP LOCKED";

  static final StateTable<ConsumerPosting> POSTINGS = new StateTable<>(
      new StateTable.Statements("postings", PostingRows.COLUMNS, PostingRows.INSERT_SQL, PostingRows.INSERT_TYPES,
          PostingRows.UPDATE_SET, PostingRows.UPDATE_COLUMNS, PostingRows.UPDATE_TYPES, CLAIM_DUE_SQL),
      ConsumerPosting::id, PostingRows::posting, PostingRows::addInsert, PostingRows::addUpdate);

  private final PgTransactions transactions;

  /**
   * @param dataSource connections to the consumer's database, ideally from {@link Database#open}
   * @param statementTimeoutMillis the longest one statement may run (reads outside a transaction: rounded up to whole seconds)
   */
  public PgConsumerStore(DataSource dataSource, long statementTimeoutMillis) {
    Objects.requireNonNull(dataSource, "dataSource");
    this.transactions = new PgTransactions(
        dataSource, "consumer store", statementTimeoutMillis);
  }

  @Override
  public <T> T inTransaction(TransactionWork<Tx, T> work) {
    return transactions.inTransaction(this::begin, work::run);
  }

  private ConsumerTx begin(Connection connection) {
    return new ConsumerTx(connection);
  }

  @Override
  public Optional<ConsumerPosting> find(UUID id) {
    Objects.requireNonNull(id, "id");
    return transactions.read("reading posting " + id,
        connection -> POSTINGS.find(connection, transactions.queryTimeoutSeconds(), id));
  }

  /** One open transaction on one connection. */
  static final class ConsumerTx extends PgTx implements ConsumerStore.Tx {
    ConsumerTx(Connection connection) {
      super(connection);
    }

    @Override
    public Map<UUID, ConsumerPosting> findForUpdate(Collection<UUID> ids) {
      return POSTINGS.findForUpdate(this, ids);
    }

    @Override
    public Map<String, Account> findAccounts(Collection<String> ids) {
      return AccountRows.read(this, ids, false);
    }

    @Override
    public List<ConsumerPosting> claimDue(long nowMillis, int limit) {
      return POSTINGS.claimDue(this, nowMillis, limit);
    }

    @Override
    public void insert(Collection<ConsumerPosting> postings) {
      POSTINGS.insert(this, postings);
    }

    @Override
    public void update(Collection<ConsumerPosting> postings) {
      POSTINGS.update(this, postings);
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      EntryRows.apply(this, entries);
    }

    /** One round trip: the advisory locks, the decisions and the payees, in that order. */
    @Override
    public Found lockForDecisions(Collection<UUID> newIds, Collection<UUID> ids, Collection<String> payees) {
      queueLockTransferIds(newIds);
      Map<UUID, ConsumerPosting> decisions = POSTINGS.queueFindForUpdate(this, ids);
      Map<String, Account> accounts = AccountRows.queueRead(this, payees, false);
      send();
      return new Found(decisions, accounts);
    }
  }
}

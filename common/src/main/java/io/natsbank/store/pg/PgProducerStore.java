package io.natsbank.store.pg;

import io.natsbank.node.ProducerStore;
import io.natsbank.node.ProducerStore.Locked;
import io.natsbank.node.TransactionWork;
import io.natsbank.protocol.Account;
import io.natsbank.protocol.Entry;
import io.natsbank.protocol.ProducerTransfer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The producer's store on PostgreSQL (schema {@code db/producer}). Several instances may share one
 * database: transfer ids are serialised by advisory locks, rows by {@code FOR UPDATE}, and re-send
 * scans skip the rows another instance holds.
 */
public final class PgProducerStore implements ProducerStore {
  /**
   * Unfinished transfers: exactly the predicate of the partial index {@code transfers_due}, so that
   * every query that uses it (re-send scans, the admission's count, the state gauges) reads that
   * small index and not the whole table.
   */
  public static final String UNFINISHED = "status IN ('PENDING', 'ACKED')";

  static final String CLAIM_DUE_SQL = "SELECT ctid, " + TransferRows.COLUMNS + " FROM transfers"
      + " WHERE " + UNFINISHED + " AND next_attempt_at <= ?"
      + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED";

  static final String COUNT_UNFINISHED_SQL = "SELECT count(*) FROM transfers WHERE " + UNFINISHED;

  static final StateTable<ProducerTransfer> TRANSFERS = new StateTable<>(
      new StateTable.Statements("transfers", TransferRows.COLUMNS, TransferRows.INSERT_SQL, TransferRows.INSERT_TYPES,
          TransferRows.UPDATE_SET, TransferRows.UPDATE_COLUMNS, TransferRows.UPDATE_TYPES, CLAIM_DUE_SQL),
      ProducerTransfer::id, TransferRows::transfer, TransferRows::addInsert, TransferRows::addUpdate);

  private final PgTransactions transactions;

  /**
   * @param dataSource connections to the producer's database, ideally from {@link Database#open}
   * @param statementTimeoutMillis the longest one statement may run (reads outside a transaction: rounded up to whole seconds)
   */
  public PgProducerStore(DataSource dataSource, long statementTimeoutMillis) {
    Objects.requireNonNull(dataSource, "dataSource");
    this.transactions = new PgTransactions(
        dataSource, "producer store", statementTimeoutMillis);
  }

  @Override
  public <T> T inTransaction(TransactionWork<Tx, T> work) {
    return transactions.inTransaction(this::begin, work::run);
  }

  private ProducerTx begin(Connection connection) {
    return new ProducerTx(connection);
  }

  @Override
  public Optional<ProducerTransfer> find(UUID id) {
    Objects.requireNonNull(id, "id");
    return transactions.read("reading transfer " + id,
        connection -> TRANSFERS.find(connection, transactions.queryTimeoutSeconds(), id));
  }

  @Override
  public long unfinishedCount() {
    return transactions.read("counting unfinished transfers", connection -> {
      try (PreparedStatement statement =
              Sql.prepare(connection, COUNT_UNFINISHED_SQL, transactions.queryTimeoutSeconds());
          ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    });
  }

  /** One open transaction on one connection. */
  static final class ProducerTx extends PgTx implements ProducerStore.Tx {
    ProducerTx(Connection connection) {
      super(connection);
    }

    @Override
    public Map<UUID, ProducerTransfer> findForUpdate(Collection<UUID> ids) {
      return TRANSFERS.findForUpdate(this, ids);
    }

    @Override
    public Map<String, Account> lockAccounts(Collection<String> ids) {
      return AccountRows.read(this, ids, true);
    }

    @Override
    public List<ProducerTransfer> claimDue(long nowMillis, int limit) {
      return TRANSFERS.claimDue(this, nowMillis, limit);
    }

    @Override
    public void insert(Collection<ProducerTransfer> transfers) {
      TRANSFERS.insert(this, transfers);
    }

    @Override
    public void update(Collection<ProducerTransfer> transfers) {
      TRANSFERS.update(this, transfers);
    }

    @Override
    public void applyEntries(Collection<Entry> entries) {
      EntryRows.apply(this, entries);
    }

    /** One round trip: the advisory locks, the transfers and the payers, in that order. */
    @Override
    public Locked lockForSubmits(Collection<UUID> ids, Collection<String> payers) {
      queueLockTransferIds(ids);
      Map<UUID, ProducerTransfer> transfers = TRANSFERS.queueFindForUpdate(this, ids);
      Map<String, Account> accounts = AccountRows.queueRead(this, payers, true);
      send();
      return new Locked(transfers, accounts);
    }
  }
}

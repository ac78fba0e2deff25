package io.natsbank.store.pg;

import io.natsbank.node.StoreException;
import io.natsbank.protocol.Account;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Seeding and listing the accounts of a participant's database (the same table in both schemas).
 * Money only moves through entries; seeding sets each new account's opening balance.
 */
public final class Accounts {
  static final String INSERT_IF_ABSENT_SQL = "INSERT INTO accounts (id, currency, balance, opening_balance, closed,"
      + " credit_max) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

  private Accounts() {}

  /**
   * Inserts the accounts that do not exist yet, with {@code opening_balance = balance}, in one
   * transaction. An account that exists is left as it is: its balance has moved since it was seeded.
   *
   * @return how many accounts were inserted
   */
  public static int insertIfAbsent(DataSource dataSource, Collection<Account> accounts, long statementTimeoutMillis) {
    Objects.requireNonNull(dataSource, "dataSource");
    List<Account> ordered = new ArrayList<>(accounts);
    ordered.forEach(Accounts::requireSeedable);
    ordered.sort(Comparator.comparing(Account::id));
    int queryTimeoutSeconds = DatabaseSettings.queryTimeoutSeconds(statementTimeoutMillis);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int inserted = insert(connection, ordered, queryTimeoutSeconds);
        connection.commit();
        return inserted;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("seeding " + ordered.size() + " accounts failed: " + e.getMessage(), e);
    }
  }

  /** Every account, sorted by id, read outside any transaction. */
  public static List<Account> readAll(DataSource dataSource, long statementTimeoutMillis) {
    int queryTimeoutSeconds = DatabaseSettings.queryTimeoutSeconds(statementTimeoutMillis);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = Sql.prepare(connection, AccountRows.READ_ALL_SQL, queryTimeoutSeconds)) {
        List<Account> all = new ArrayList<>(AccountRows.readAll(statement).values());
        all.sort(Comparator.comparing(Account::id));
        return all;
      }
    } catch (SQLException e) {
      throw new StoreException("reading accounts failed: " + e.getMessage(), e);
    }
  }

  private static int insert(Connection connection, List<Account> accounts, int queryTimeoutSeconds)
      throws SQLException {
    if (accounts.isEmpty()) {
      return 0;
    }
    try (PreparedStatement statement = Sql.prepare(connection, INSERT_IF_ABSENT_SQL, queryTimeoutSeconds)) {
      for (Account account : accounts) {
        statement.setString(1, account.id());
        statement.setString(2, account.currency().name());
        statement.setBigDecimal(3, account.balance());
        statement.setBigDecimal(4, account.balance());
        statement.setBoolean(5, account.closed());
        statement.setBigDecimal(6, account.creditMax());
        statement.addBatch();
      }
      int inserted = 0;
      for (int rowCount : statement.executeBatch()) {
        inserted += rowCount;
      }
      return inserted;
    }
  }

  /** Amounts at exactly the currency's scale, so that what is read back equals what was seeded. */
  private static void requireSeedable(Account account) {
    int scale = account.currency().scale();
    if (account.balance().signum() < 0 || account.balance().scale() != scale) {
      throw new IllegalArgumentException("account " + account.id() + ": balance must be non-negative with "
          + scale + " decimals for " + account.currency() + ", got " + account.balance().toPlainString());
    }
    if (account.creditMax() != null && (account.creditMax().signum() <= 0 || account.creditMax().scale() != scale)) {
      throw new IllegalArgumentException("account " + account.id() + ": creditMax must be positive with "
          + scale + " decimals for " + account.currency() + ", got " + account.creditMax().toPlainString());
    }
  }
}

package io.natsbank.store.pg;

import io.natsbank.protocol.Account;
import io.natsbank.protocol.Currency;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Reading accounts, the same table in the producer's and the consumer's schema. */
final class AccountRows {
  static final String COLUMNS = "id, currency, balance, closed, credit_max";
  /**
   * Byte order ("C"), so that the database locks accounts in the order Java sorts their ids. NO KEY
   * UPDATE: exclusive against other balance updates, but not against the key share locks that
   * foreign keys of entries take (see {@link EntryRows}).
   */
  static final String LOCK_SQL =
      "SELECT " + COLUMNS + " FROM accounts WHERE id = ANY(?) ORDER BY id COLLATE \"C\" FOR NO KEY UPDATE";
  static final String READ_SQL = "SELECT " + COLUMNS + " FROM accounts WHERE id = ANY(?)";
  static final String READ_ALL_SQL = "SELECT " + COLUMNS + " FROM accounts ORDER BY id COLLATE \"C\"";

  private AccountRows() {}

  static Map<String, Account> read(PgTx tx, Collection<String> ids, boolean lock) {
    Map<String, Account> accounts = queueRead(tx, ids, lock);
    tx.send();
    return accounts;
  }

  /** Queues the read (and, with {@code lock}, the locking) of the accounts; the map fills at the next send. */
  static Map<String, Account> queueRead(PgTx tx, Collection<String> ids, boolean lock) {
    Map<String, Account> accounts = new HashMap<>();
    if (ids.isEmpty()) {
      return accounts;
    }
    Sql.checkSize(lock ? "lockAccounts" : "findAccounts", ids);
    tx.queue().query((lock ? "locking " : "reading ") + ids.size() + " accounts", lock ? LOCK_SQL : READ_SQL,
        parameters -> parameters.texts(ids), rows -> readInto(rows, accounts));
    return accounts;
  }

  static Map<String, Account> readAll(PreparedStatement statement) throws SQLException {
    Map<String, Account> accounts = new HashMap<>();
    try (ResultSet rows = statement.executeQuery()) {
      readInto(rows, accounts);
    }
    return accounts;
  }

  private static void readInto(ResultSet rows, Map<String, Account> accounts) throws SQLException {
    while (rows.next()) {
      Account account = account(rows);
      accounts.put(account.id(), account);
    }
  }

  static Account account(ResultSet row) throws SQLException {
    Currency currency = Currency.parse(row.getString("currency"));
    BigDecimal balance = Sql.decimal(row, "balance", currency.scale());
    BigDecimal creditMax = Sql.decimal(row, "credit_max", currency.scale());
    return new Account(row.getString("id"), currency, balance, row.getBoolean("closed"), creditMax);
  }
}

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
    if (ids.isEmpty()) {
      return Map.of();
    }
    Sql.checkSize(lock ? "lockAccounts" : "findAccounts", ids);
    return tx.run((lock ? "locking " : "reading ") + ids.size() + " accounts", () -> {
      try (PreparedStatement statement = tx.prepare(lock ? LOCK_SQL : READ_SQL)) {
        statement.setArray(1, Sql.textArray(tx.connection(), ids));
        return readAll(statement);
      }
    });
  }

  static Map<String, Account> readAll(PreparedStatement statement) throws SQLException {
    Map<String, Account> accounts = new HashMap<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Account account = account(rows);
        accounts.put(account.id(), account);
      }
    }
    return accounts;
  }

  static Account account(ResultSet row) throws SQLException {
    Currency currency = Currency.parse(row.getString("currency"));
    BigDecimal balance = Sql.decimal(row, "balance", currency.scale());
    BigDecimal creditMax = Sql.decimal(row, "credit_max", currency.scale());
    return new Account(row.getString("id"), currency, balance, row.getBoolean("closed"), creditMax);
  }
}

package io.natsbank.injector;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.store.pg.ArrayParameter;
import io.natsbank.store.pg.Database;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Prepares the databases: creates each participant's (and the injector's) if absent, or drops and
 * recreates it with {@code reset}, migrates its schema, and seeds accounts idempotently. Payer
 * accounts at producers start with the opening balance; payee accounts at consumers start at zero,
 * some closed and some capped so that every kind of rejection happens.
 */
public final class Setup {
  /** Consumer accounts whose index modulo this is {@link #CLOSED_REMAINDER} are closed... */
  static final int SPECIAL_ACCOUNT_PERIOD = 50;
  static final int CLOSED_REMAINDER = 49;
  /** ...and those at {@link #CAPPED_REMAINDER} accept at most {@link #CREDIT_MAX} per transfer. */
  static final int CAPPED_REMAINDER = 48;
  static final BigDecimal CREDIT_MAX = new BigDecimal("100.00");
  private static final int QUERY_TIMEOUT_SECONDS = 120;

  /** What to set up. */
  public record Settings(List<String> producers, List<String> consumers, int accounts, Money openingBalance,
      boolean reset) {
    public Settings {
      producers = List.copyOf(producers);
      consumers = List.copyOf(consumers);
      Participants.requireDistinct(producers, consumers);
      if (accounts < 1 || accounts > TransferPlanner.ACCOUNTS_MAX) {
        throw new IllegalArgumentException("accounts must be between 1 and " + TransferPlanner.ACCOUNTS_MAX);
      }
    }
  }

  private final ParticipantDatabases databases;
  private final PrintStream out;

  public Setup(ParticipantDatabases databases, PrintStream out) {
    this.databases = databases;
    this.out = out;
  }

  public void run(Settings settings) throws SQLException {
    for (String producer : settings.producers()) {
      prepare(producer, Database.Role.PRODUCER, settings);
    }
    for (String consumer : settings.consumers()) {
      prepare(consumer, Database.Role.CONSUMER, settings);
    }
    String database = databases.injectorDatabase();
    String created = createOrReset(database, settings.reset());
    try (HikariDataSource dataSource = databases.openInjector()) {
      int applied = migrateInjector(dataSource);
      out.println("setup: injector database " + database + " " + created + ", " + applied + " migrations applied");
    }
  }

  private void prepare(String participant, Database.Role role, Settings settings) throws SQLException {
    String database = ParticipantDatabases.databaseName(participant);
    if (database.equals(databases.injectorDatabase())) {
      throw new IllegalArgumentException("participant '" + participant + "' would share the injector's database "
          + database);
    }
    String created = createOrReset(database, settings.reset());
    try (HikariDataSource dataSource = databases.openParticipant(participant)) {
      Database.migrate(dataSource, role);
      int added = role == Database.Role.PRODUCER
          ? seedAccounts(dataSource, participant, settings.accounts(), settings.openingBalance(), false)
          : seedAccounts(dataSource, participant, settings.accounts(), Money.zero(settings.openingBalance().currency()),
              true);
      out.println("setup: " + role.name().toLowerCase() + " " + participant + " database " + database + " " + created
          + ", schema migrated, accounts " + TransferPlanner.accountId(participant, 0) + ".."
          + TransferPlanner.accountId(participant, settings.accounts() - 1) + ": " + added + " new"
          + (role == Database.Role.PRODUCER
              ? ", opening balance " + settings.openingBalance() + " each"
              : ", starting at 0, every " + SPECIAL_ACCOUNT_PERIOD + "th closed, one in " + SPECIAL_ACCOUNT_PERIOD
                  + " capped at " + CREDIT_MAX.toPlainString() + " per transfer"));
    }
  }

  private String createOrReset(String database, boolean reset) {
    String admin = databases.adminJdbcUrl();
    if (reset) {
      Database.dropDatabaseIfExists(admin, databases.user(), databases.password(), database);
    }
    boolean created = Database.createDatabaseIfAbsent(admin, databases.user(), databases.password(), database);
    return reset ? "dropped and recreated" : created ? "created" : "already there";
  }

  /** Runs the injector's own migrations ({@code db/injector}); returns how many were applied now. */
  public static int migrateInjector(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/injector")
        .failOnMissingLocations(true)
        .load()
        .migrate()
        .migrationsExecuted;
  }

  /**
   * Inserts the accounts that are missing, leaves existing ones alone; returns how many were added.
   * With {@code payees}, some accounts are closed and some capped (see the constants above).
   */
  static int seedAccounts(DataSource dataSource, String participant, int accounts, Money opening, boolean payees)
      throws SQLException {
    Currency currency = opening.currency();
    String[] ids = new String[accounts];
    Boolean[] closed = new Boolean[accounts];
    BigDecimal[] creditMax = new BigDecimal[accounts];
    for (int index = 0; index < accounts; index++) {
      ids[index] = TransferPlanner.accountId(participant, index);
      int remainder = index % SPECIAL_ACCOUNT_PERIOD;
      closed[index] = payees && remainder == CLOSED_REMAINDER;
      creditMax[index] = payees && remainder == CAPPED_REMAINDER ? CREDIT_MAX : null;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("""
            INSERT INTO accounts (id, currency, balance, opening_balance, closed, credit_max)
            SELECT u.id, ?, ?, ?, u.closed, u.credit_max
            FROM unnest(?::text[], ?::boolean[], ?::numeric[]) AS u(id, closed, credit_max)
            ON CONFLICT (id) DO NOTHING""")) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.setString(1, currency.name());
      statement.setBigDecimal(2, opening.amount());
      statement.setBigDecimal(3, opening.amount());
      statement.setObject(4, ArrayParameter.of("text", ids));
      statement.setObject(5, ArrayParameter.of("bool", closed));
      statement.setObject(6, ArrayParameter.of("numeric", creditMax));
      int added = statement.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return added;
    }
  }
}

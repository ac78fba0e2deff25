package io.natsbank.injector;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.config.DatabaseOptions;
import io.natsbank.protocol.Names;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import java.util.Objects;

/**
 * Where every database is: one JDBC URL template whose {@code {db}} is the database name
 * ({@code natsbank_} + participant, dashes as underscores), one user and password for all, and the
 * name of the injector's own database ({@code natsbank_injector} unless told otherwise).
 */
public record ParticipantDatabases(String urlTemplate, String user, String password, String injectorDatabase) {
  public static final String DEFAULT_INJECTOR_DATABASE = "natsbank_injector";
  public static final String PLACEHOLDER = "{db}";
  private static final String ADMIN_DATABASE = "postgres";
  private static final int POOL_SIZE_MAX = 4;
  private static final long STATEMENT_TIMEOUT_MILLIS = 3_600_000;
  private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

  public ParticipantDatabases {
    Objects.requireNonNull(urlTemplate, "urlTemplate");
    if (!urlTemplate.contains(PLACEHOLDER)) {
      throw new IllegalArgumentException("the database URL template must contain " + PLACEHOLDER + ", got '"
          + urlTemplate + "'");
    }
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
    if (injectorDatabase == null || !Database.DATABASE_NAME.matcher(injectorDatabase).matches()) {
      throw new IllegalArgumentException("the injector database name must match " + Database.DATABASE_NAME.pattern()
          + ", got '" + injectorDatabase + "'");
    }
  }

  public ParticipantDatabases(String urlTemplate, String user, String password) {
    this(urlTemplate, user, password, DEFAULT_INJECTOR_DATABASE);
  }

  /** The database of a participant. */
  public static String databaseName(String participant) {
    return DatabaseOptions.databaseName(Names.participant("participant", participant));
  }

  public String jdbcUrl(String databaseName) {
    return urlTemplate.replace(PLACEHOLDER, databaseName);
  }

  /** The server's maintenance database, for CREATE and DROP DATABASE. */
  public String adminJdbcUrl() {
    return Database.jdbcUrlWithDatabase(jdbcUrl(injectorDatabase), ADMIN_DATABASE);
  }

  /** A small pool on a participant's database (auto-commit off); the caller closes it. */
  public HikariDataSource openParticipant(String participant) {
    return open(databaseName(participant), "injector-" + participant);
  }

  /** A small pool on the injector's own database; the caller closes it. */
  public HikariDataSource openInjector() {
    return open(injectorDatabase, "injector-own");
  }

  private HikariDataSource open(String databaseName, String poolName) {
    return Database.open(new DatabaseSettings(jdbcUrl(databaseName), user, password, POOL_SIZE_MAX,
        STATEMENT_TIMEOUT_MILLIS, CONNECTION_TIMEOUT_MILLIS), poolName);
  }
}

package io.natsbank.config;

import io.natsbank.store.pg.DatabaseSettings;
import picocli.CommandLine.Option;

/** How a participant reaches its own database. */
public final class DatabaseOptions {
  @Option(names = "--db-url", paramLabel = "JDBC_URL", defaultValue = "${env:NATSBANK_DB_URL}",
      description = "JDBC URL of this participant's database (env NATSBANK_DB_URL; default: the template below "
          + "with {db} = natsbank_<name>, dashes as underscores).")
  public String url;

  @Option(names = "--db-url-template", paramLabel = "TEMPLATE",
      defaultValue = "${env:NATSBANK_DB_URL_TEMPLATE:-jdbc:postgresql://127.0.0.1:5432/{db}}",
      description = "JDBC URL template used when --db-url is not set (env NATSBANK_DB_URL_TEMPLATE, "
          + "default ${DEFAULT-VALUE}).")
  public String urlTemplate;

  @Option(names = "--db-user", defaultValue = "${env:NATSBANK_DB_USER:-postgres}",
      description = "Database user (env NATSBANK_DB_USER, default ${DEFAULT-VALUE}).")
  public String user;

  @Option(names = "--db-password", defaultValue = "${env:NATSBANK_DB_PASSWORD:-}",
      description = "Database password (env NATSBANK_DB_PASSWORD, default empty).")
  public String password;

  @Option(names = "--db-pool-size-max", defaultValue = "${env:NATSBANK_DB_POOL_SIZE_MAX:-8}",
      description = "Connections in the pool at most (env NATSBANK_DB_POOL_SIZE_MAX, default ${DEFAULT-VALUE}).")
  public int poolSizeMax;

  @Option(names = "--db-statement-timeout-millis", defaultValue = "${env:NATSBANK_DB_STATEMENT_TIMEOUT_MILLIS:-10000}",
      description = "Timeout of every SQL statement (env NATSBANK_DB_STATEMENT_TIMEOUT_MILLIS, default ${DEFAULT-VALUE}).")
  public long statementTimeoutMillis;

  /** The database name of a participant: natsbank_ + its name with dashes as underscores. */
  public static String databaseName(String participant) {
    return "natsbank_" + participant.replace('-', '_');
  }

  @Option(names = "--db-connect-timeout-millis", defaultValue = "${env:NATSBANK_DB_CONNECT_TIMEOUT_MILLIS:-5000}",
      description = "How long to wait for a connection from the pool (env NATSBANK_DB_CONNECT_TIMEOUT_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  public long connectTimeoutMillis;

  public DatabaseSettings settings(String participant) {
    return new DatabaseSettings(urlFor(participant), user, password, poolSizeMax, statementTimeoutMillis,
        connectTimeoutMillis);
  }

  public String urlFor(String participant) {
    if (url != null && !url.isBlank()) {
      return url;
    }
    return urlTemplate.replace("{db}", databaseName(participant));
  }
}

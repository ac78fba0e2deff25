package io.natsbank.injector;

import picocli.CommandLine.Option;

/** How the injector reaches every database: one URL template, one user. */
public final class DatabaseTemplateOptions {
  @Option(names = "--db-url-template", paramLabel = "TEMPLATE",
      defaultValue = "${env:NATSBANK_DB_URL_TEMPLATE:-jdbc:postgresql://127.0.0.1:5432/{db}}",
      description = "JDBC URL of every database, {db} standing for its name: natsbank_<participant> with dashes "
          + "as underscores, natsbank_injector for the injector's own (env NATSBANK_DB_URL_TEMPLATE, "
          + "default ${DEFAULT-VALUE}).")
  String urlTemplate;

  @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:NATSBANK_DB_USER:-postgres}",
      description = "Database user (env NATSBANK_DB_USER, default ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:NATSBANK_DB_PASSWORD:-}",
      description = "Database password (env NATSBANK_DB_PASSWORD, default empty).")
  String password;

  @Option(names = "--injector-database", paramLabel = "NAME",
      defaultValue = "${env:NATSBANK_INJECTOR_DATABASE:-" + ParticipantDatabases.DEFAULT_INJECTOR_DATABASE + "}",
      description = "Name of the injector's own database, its record of every submission (env "
          + "NATSBANK_INJECTOR_DATABASE, default ${DEFAULT-VALUE}).")
  String injectorDatabase;

  public ParticipantDatabases databases() {
    return new ParticipantDatabases(urlTemplate, user, password, injectorDatabase);
  }
}

package io.natsbank.runtime;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.transport.FaultSettings;
import io.natsbank.transport.FaultyTransport;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The wiring producers and consumers share: their database, their transport, how they publish. */
public final class Services {
  private static final Logger log = LoggerFactory.getLogger(Services.class);
  private static final int READINESS_TIMEOUT_SECONDS = 2;

  private Services() {}

  /** Opens the pool and applies the migrations of {@code role} (safe when replicas start together). */
  public static HikariDataSource openDatabase(DatabaseSettings settings, Database.Role role, String poolName) {
    HikariDataSource dataSource = Database.open(settings, poolName);
    try {
      Database.migrate(dataSource, role);
      return dataSource;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** Connects to NATS, wrapped in the fault injector when any fault is configured. */
  public static Transport transport(NatsSettings nats, FaultSettings faults, Subjects subjects) {
    Transport transport = NatsTransport.connect(nats);
    if (!faults.any()) {
      return transport;
    }
    log.warn("{}: injecting faults on protocol subjects: {}", nats.connectionName(), faults);
    return new FaultyTransport(transport, faults, subjects::isProtocol);
  }

  public static boolean databaseAnswers(HikariDataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(READINESS_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }
}

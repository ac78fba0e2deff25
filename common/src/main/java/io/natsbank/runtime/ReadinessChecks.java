package io.natsbank.runtime;

import com.zaxxer.hikari.HikariDataSource;
import io.natsbank.runtime.HealthServer.Check;
import io.natsbank.transport.Transport;
import java.util.Collection;
import java.util.List;

/**
 * What a producer or consumer instance needs to be ready: NATS connected, every subscription
 * active, and its database answering. Migrations are applied before a service starts, so a service
 * whose checks are watched has them.
 */
public final class ReadinessChecks {
  public static final String NATS = "nats";
  public static final String SUBSCRIPTIONS = "subscriptions";
  public static final String DATABASE = "database";

  private ReadinessChecks() {}

  public static List<Check> of(Transport transport, Collection<Transport.Subscription> subscriptions,
      HikariDataSource dataSource) {
    List<Transport.Subscription> watched = List.copyOf(subscriptions);
    return List.of(
        new Check(NATS, transport::isConnected),
        new Check(SUBSCRIPTIONS,
            () -> !watched.isEmpty() && watched.stream().allMatch(Transport.Subscription::isActive)),
        new Check(DATABASE, () -> Services.databaseAnswers(dataSource)));
  }
}

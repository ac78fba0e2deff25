package io.natsbank.injector;

import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Option;

/**
 * Connecting a command-line tool to NATS: the transport keeps trying forever when no server answers
 * (right for a service), so the injector waits a bounded time and then gives up with a clear error.
 */
public final class NatsConnect {
  @Option(names = "--nats-connect-timeout-millis", paramLabel = "MILLIS",
      defaultValue = "${env:NATSBANK_NATS_CONNECT_TIMEOUT_MILLIS:-15000}",
      description = "How long to wait for NATS to answer before giving up (env NATSBANK_NATS_CONNECT_TIMEOUT_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  long timeoutMillis;

  public NatsTransport connect(String urls, String connectionName) throws InterruptedException {
    return connect(NatsSettings.of(urls, connectionName), Duration.ofMillis(timeoutMillis));
  }

  public static NatsTransport connect(NatsSettings settings, Duration timeout) throws InterruptedException {
    CompletableFuture<NatsTransport> connecting = CompletableFuture.supplyAsync(() -> NatsTransport.connect(settings));
    try {
      return connecting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      connecting.thenAccept(NatsTransport::close); // should it connect later after all
      throw new IllegalStateException("no NATS server answered at " + settings.servers() + " within " + timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot connect to NATS at " + settings.servers() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }
}

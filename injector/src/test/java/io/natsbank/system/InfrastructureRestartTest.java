package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.consumer.ConsumerService;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.testing.Jdbc;
import io.natsbank.testing.TestDatabase;
import io.natsbank.transport.FaultSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running services outlive their infrastructure: the nats-server killed (SIGKILL) and started again
 * on its port while transfers are in flight, and every database connection of every service killed
 * by the server, as a PostgreSQL crash does. The services are never restarted; afterwards every
 * transfer is final, agreed, confirmed and conserved. (scripts/chaos.sh does the same with a NATS
 * cluster and a real postmaster crash.)
 */
@Timeout(180)
class InfrastructureRestartTest {
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void transfersInFlightFinishAfterTheNatsServerIsKilledAndStartedAgain() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      ConsumerService consumer = system.startConsumer("c1", FaultSettings.NONE);
      ProducerService producer = system.startProducer("p1", FaultSettings.NONE);
      List<SubmitRequest> before = submit(system, 20, 0);
      system.nats.kill();
      Thread.sleep(1_000);
      system.nats.startProcess();
      TestSystem.await(QUIET_TIMEOUT, "both services to reconnect", () -> producer.isReady() && consumer.isReady());
      List<SubmitRequest> after = submit(system, 20, 20);
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals(before.size() + after.size(), TestSystem.count(system.producers.get("p1"),
          "SELECT count(*) FROM transfers WHERE status IN ('OK', 'REJECTED')"));
    }
  }

  @Test
  void servicesOutliveEveryDatabaseConnectionBeingKilled() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      CompletableFuture<List<SubmitRequest>> submitting = CompletableFuture.supplyAsync(() -> submit(system, 60, 0));
      int killed = 0;
      for (int round = 0; round < 5; round++) {
        Thread.sleep(300);
        killed += killConnections(system.producers.get("p1"), "producer-p1")
            + killConnections(system.consumers.get("c1"), "consumer-c1");
      }
      List<SubmitRequest> submitted = submitting.get();
      assertTrue(killed > 0, "connections were killed");
      system.awaitQuiet(QUIET_TIMEOUT);
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals(submitted.size(), TestSystem.count(system.producers.get("p1"),
          "SELECT count(*) FROM transfers WHERE status IN ('OK', 'REJECTED')"));
    }
  }

  /** Submits {@code count} transfers of 1.00..count.00 between the first accounts, retrying through outages. */
  private static List<SubmitRequest> submit(TestSystem system, int count, int offset) {
    List<SubmitRequest> submitted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SubmitRequest request = new SubmitRequest(UUID.randomUUID(), "c1", TestSystem.account("p1", (offset + i) % 8),
          TestSystem.account("c1", i % 8), Money.parsePositive((1 + i % 5) + ".00", Currency.EUR));
      ApiReply reply = system.submit("p1", request);
      // DUPLICATE: an earlier try was committed but its answer was lost with the connection; the
      // retry with the same id finds the stored transfer, which is what a client must see
      assertTrue(reply.result() == Result.ACCEPTED || reply.result() == Result.DUPLICATE, reply.result()::name);
      assertEquals(request.termsAt("p1"), reply.transfer().terms());
      submitted.add(request);
    }
    return submitted;
  }

  /**
   * Ends every session of the service's pool (its application name is the pool's name), as a server
   * crash would, and leaves the test's own pools alone; returns how many were ended.
   */
  private static int killConnections(TestDatabase database, String poolName) {
    return Jdbc.column(database.dataSource(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        + "WHERE datname = ? AND application_name = ?", database.name(), poolName).size();
  }
}

package io.natsbank.injector.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.WireCodec.Kind;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Outcome;
import io.natsbank.testing.TestNats;
import io.natsbank.transport.MessageHeaders;
import io.natsbank.transport.NatsSettings;
import io.natsbank.transport.NatsTransport;
import io.natsbank.transport.Outgoing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The wiretap counts protocol messages whether they travel alone or in frames. */
class WiretapTest {
  private static Outgoing message(String subject, UUID id, Kind kind) {
    return new Outgoing(subject, Map.of(MessageHeaders.MSG_ID, id + ":" + kind,
        MessageHeaders.TRACEPARENT, MessageHeaders.traceparent(id, 7)), "{}".getBytes(UTF_8));
  }

  @Test
  void countsEveryMessageOfEveryFrameByKindAndHearsEachConfirm() throws Exception {
    try (TestNats nats = TestNats.start();
        NatsTransport sender = NatsTransport.connect(NatsSettings.of(nats.url(), "wiretap-test"))) {
      Set<UUID> confirmed = ConcurrentHashMap.newKeySet();
      CountDownLatch allConfirms = new CountDownLatch(5);
      PerSecond perSecond = new PerSecond(System.nanoTime(), 60);
      try (Wiretap wiretap = new Wiretap(nats.url(), "nb", perSecond, (id, nanos) -> {
        confirmed.add(id);
        allConfirms.countDown();
      })) {
        List<UUID> ids = new ArrayList<>();
        List<Outgoing> postingsAndConfirms = new ArrayList<>();
        List<Outgoing> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          UUID id = UUID.randomUUID();
          ids.add(id);
          postingsAndConfirms.add(message("nb.postings.c1", id, Kind.POSTING));
          responses.add(message("nb.results.p1", id, Kind.RESPONSE));
          postingsAndConfirms.add(message("nb.postings.c1", id, Kind.CONFIRM));
        }
        sender.publishAll(postingsAndConfirms); // one frame of 10
        sender.publishAll(responses); // one frame of 5
        Confirm lone = new Confirm(UUID.randomUUID(), "p1", "c1", Outcome.OK);
        sender.publish("nb.postings.c1", MessageHeaders.forMessage(lone, "00-x-y-01"), "{}".getBytes(UTF_8));
        sender.flush(Duration.ofSeconds(5));

        assertTrue(allConfirms.await(10, TimeUnit.SECONDS), "the confirms are heard");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (wiretap.total() < 16 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(Map.of(Kind.POSTING, 5L, Kind.RESPONSE, 5L, Kind.CONFIRM, 6L), wiretap.counts());
        assertEquals(3, wiretap.natsMessages(), "two frames and one message alone");
        assertTrue(confirmed.containsAll(ids) && confirmed.contains(lone.transferId()), "every confirm by id");
        assertEquals(0, wiretap.unreadable());
      }
    }
  }
}

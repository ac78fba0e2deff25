package io.natsbank.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FaultyTransportTest {
  private static final int MESSAGES = 10_000;
  private static final long SEED = 1_234_567L;
  private static final long WAIT_SECONDS = 10;
  private static final Subjects SUBJECTS = new Subjects("nb");
  private static final String POSTINGS = SUBJECTS.postings("bank-b");
  private static final String RESULTS = SUBJECTS.results("bank-a");
  private static final String SUBMIT = SUBJECTS.submit("bank-a");
  private static final Map<String, String> HEADERS = Map.of("Nats-Msg-Id", "x:POSTING");

  private final InMemoryTransport network = new InMemoryTransport();
  private final List<FaultyTransport> opened = new ArrayList<>();

  @AfterEach
  void closeTransports() {
    opened.forEach(FaultyTransport::close);
  }

  private FaultyTransport faulty(FaultSettings settings) {
    FaultyTransport transport = new FaultyTransport(network, settings, SUBJECTS::isProtocol);
    opened.add(transport);
    return transport;
  }

  private static FaultSettings outbound(double drop, double duplicate, double delay, long delayMaxMillis) {
    return new FaultSettings(drop, duplicate, delay, 0, 0, 0, delayMaxMillis, SEED);
  }

  private static FaultSettings inbound(double drop, double duplicate, double delay, long delayMaxMillis) {
    return new FaultSettings(0, 0, 0, drop, duplicate, delay, delayMaxMillis, SEED);
  }

  private static byte[] body(int index) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(index).array();
  }

  private static int index(Delivery delivery) {
    return ByteBuffer.wrap(delivery.body()).getInt();
  }

  private static void assertRate(double lowest, double highest, long count, String what) {
    double rate = (double) count / MESSAGES;
    assertTrue(rate >= lowest && rate <= highest,
        what + " rate " + rate + " (" + count + " of " + MESSAGES + ") is outside [" + lowest + ", " + highest + "]");
  }

  /** Collects deliveries from any thread; each delivery releases one permit for bounded waiting. */
  private static final class Receiver implements Transport.Handler {
    final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final Semaphore arrived = new Semaphore(0);

    @Override
    public void onDelivery(Delivery delivery) {
      deliveries.add(delivery);
      arrived.release();
    }

    void awaitAtLeast(int count) throws InterruptedException {
      assertTrue(arrived.tryAcquire(count, WAIT_SECONDS, TimeUnit.SECONDS),
          "expected " + count + " deliveries within " + WAIT_SECONDS + " s, got " + deliveries.size());
    }

    List<Integer> indexes() {
      return deliveries.stream().map(FaultyTransportTest::index).toList();
    }
  }

  @Nested
  class OutboundFaults {
    @Test
    void dropsRoughlyTheConfiguredShare() {
      FaultyTransport transport = faulty(outbound(0.2, 0, 0, 0));
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(POSTINGS, HEADERS, body(i));
      }

      assertRate(0.17, 0.23, transport.dropped(), "drop");
      assertEquals(MESSAGES - transport.dropped(), receiver.deliveries.size());
      assertEquals(MESSAGES - transport.dropped(), receiver.indexes().stream().distinct().count());
      assertEquals(0, transport.duplicated());
      assertEquals(0, transport.delayed());
    }

    @Test
    void duplicatesRoughlyTheConfiguredShareAsTwoIdenticalDeliveries() {
      FaultyTransport transport = faulty(outbound(0, 0.1, 0, 0));
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(POSTINGS, HEADERS, body(i));
      }

      assertRate(0.08, 0.12, transport.duplicated(), "duplicate");
      assertEquals(MESSAGES + transport.duplicated(), receiver.deliveries.size());
      assertEquals(MESSAGES, receiver.indexes().stream().distinct().count(), "nothing is lost");
      long seenTwice = receiver.indexes().stream()
          .collect(java.util.stream.Collectors.groupingBy(index -> index, java.util.stream.Collectors.counting()))
          .values().stream().filter(count -> count == 2).count();
      assertEquals(transport.duplicated(), seenTwice);
    }

    @Test
    void delayedMessagesAllArriveEventuallyAndSomeOutOfOrder() throws InterruptedException {
      FaultyTransport transport = faulty(outbound(0, 0, 0.3, 20));
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(POSTINGS, HEADERS, body(i));
      }
      receiver.awaitAtLeast(MESSAGES);

      assertRate(0.27, 0.33, transport.delayed(), "delay");
      List<Integer> indexes = receiver.indexes();
      assertEquals(MESSAGES, indexes.size());
      assertEquals(MESSAGES, indexes.stream().distinct().count(), "each message exactly once");
      assertNotEquals(indexes.stream().sorted().toList(), indexes, "delays reorder messages");
    }

    @Test
    void combinedFaultsEachHonourTheirShare() throws InterruptedException {
      FaultyTransport transport = faulty(outbound(0.2, 0.1, 0.1, 5));
      Receiver receiver = new Receiver();
      network.subscribe(RESULTS, "producers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(RESULTS, HEADERS, body(i));
      }
      int expected = (int) (MESSAGES - transport.dropped() + transport.duplicated());
      receiver.awaitAtLeast(expected);

      assertRate(0.17, 0.23, transport.dropped(), "drop");
      assertRate(0.08, 0.12, transport.duplicated(), "duplicate");
      assertRate(0.08, 0.12, transport.delayed(), "delay");
      assertEquals(expected, receiver.deliveries.size());
      assertEquals(MESSAGES - transport.dropped(), receiver.indexes().stream().distinct().count());
    }

    @Test
    void sameSeedDisturbsTheSameMessages() {
      List<Integer> first = receivedThrough(outbound(0.3, 0.2, 0, 0), "bank-b");
      List<Integer> second = receivedThrough(outbound(0.3, 0.2, 0, 0), "bank-c");
      List<Integer> otherSeed =
          receivedThrough(new FaultSettings(0.3, 0.2, 0, 0, 0, 0, 0, SEED + 1), "bank-d");

      assertEquals(first, second);
      assertNotEquals(first, otherSeed);
    }

    private List<Integer> receivedThrough(FaultSettings settings, String consumer) {
      FaultyTransport transport = faulty(settings);
      Receiver receiver = new Receiver();
      network.subscribe(SUBJECTS.postings(consumer), "consumers", receiver);
      for (int i = 0; i < 1_000; i++) {
        transport.publish(SUBJECTS.postings(consumer), HEADERS, body(i));
      }
      return receiver.indexes();
    }

    @Test
    void publishingTogetherDisturbsEachMessageAsPublishingAloneWould() {
      List<Integer> alone = receivedThrough(outbound(0.3, 0.2, 0, 0), "bank-e");
      FaultyTransport transport = faulty(outbound(0.3, 0.2, 0, 0));
      Receiver receiver = new Receiver();
      network.subscribe(SUBJECTS.postings("bank-f"), "consumers", receiver);
      for (int start = 0; start < 1_000; start += 50) {
        List<Outgoing> batch = new ArrayList<>();
        for (int i = start; i < start + 50; i++) {
          batch.add(new Outgoing(SUBJECTS.postings("bank-f"), HEADERS, body(i)));
        }
        transport.publishAll(batch);
      }

      assertEquals(alone, receiver.indexes());
      assertTrue(transport.dropped() > 0 && transport.duplicated() > 0);
    }

    @Test
    void outboundFaultsDoNotTouchWhatIsReceived() {
      FaultyTransport transport = faulty(outbound(0.5, 0.4, 0, 0));
      Receiver receiver = new Receiver();
      transport.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        network.publish(POSTINGS, HEADERS, body(i));
      }

      assertEquals(MESSAGES, receiver.deliveries.size());
      assertEquals(0, transport.dropped() + transport.duplicated());
    }
  }

  @Nested
  class InboundFaults {
    @Test
    void dropsAndDuplicatesApplyOnReceipt() {
      FaultyTransport transport = faulty(inbound(0.2, 0.1, 0, 0));
      Receiver receiver = new Receiver();
      transport.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        network.publish(POSTINGS, HEADERS, body(i));
      }

      assertRate(0.17, 0.23, transport.dropped(), "inbound drop");
      assertRate(0.08, 0.12, transport.duplicated(), "inbound duplicate");
      assertEquals(MESSAGES - transport.dropped() + transport.duplicated(), receiver.deliveries.size());
    }

    @Test
    void delayedDeliveriesAllArriveEventually() throws InterruptedException {
      FaultyTransport transport = faulty(inbound(0, 0, 0.5, 10));
      Receiver receiver = new Receiver();
      transport.subscribe(RESULTS, "producers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        network.publish(RESULTS, HEADERS, body(i));
      }
      receiver.awaitAtLeast(MESSAGES);

      assertRate(0.47, 0.53, transport.delayed(), "inbound delay");
      assertEquals(MESSAGES, receiver.indexes().stream().distinct().count());
    }

    @Test
    void inboundFaultsDoNotTouchWhatIsPublished() {
      FaultyTransport transport = faulty(inbound(0.5, 0.4, 0, 0));
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(POSTINGS, HEADERS, body(i));
      }

      assertEquals(MESSAGES, receiver.deliveries.size());
      assertEquals(java.util.stream.IntStream.range(0, MESSAGES).boxed().toList(), receiver.indexes());
    }

    @Test
    void bothDirectionsCompoundWhenMessagesGoThroughTwoFaultyEnds() {
      FaultyTransport sender = faulty(outbound(0.2, 0, 0, 0));
      FaultyTransport receiverEnd = faulty(new FaultSettings(0, 0, 0, 0.2, 0, 0, 0, SEED + 7));
      Receiver receiver = new Receiver();
      receiverEnd.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < MESSAGES; i++) {
        sender.publish(POSTINGS, HEADERS, body(i));
      }

      assertEquals(MESSAGES - sender.dropped() - receiverEnd.dropped(), receiver.deliveries.size());
      assertRate(0.61, 0.67, receiver.deliveries.size(), "survival through two 20% drops");
    }
  }

  @Nested
  class UndisturbedTraffic {
    @Test
    void subjectsNotSelectedPassUntouchedBothWays() {
      FaultyTransport transport = faulty(new FaultSettings(0.5, 0.3, 0.1, 0.5, 0.3, 0.1, 100, SEED));
      Receiver published = new Receiver();
      Receiver received = new Receiver();
      network.subscribe(SUBMIT, "api", published);
      String otherSubject = "nb.api.bank-a.status";
      transport.subscribe(otherSubject, "api", received);

      for (int i = 0; i < MESSAGES; i++) {
        transport.publish(SUBMIT, HEADERS, body(i));
        network.publish(otherSubject, HEADERS, body(i));
      }

      List<Integer> inOrder = java.util.stream.IntStream.range(0, MESSAGES).boxed().toList();
      assertEquals(inOrder, published.indexes(), "every message once, in order");
      assertEquals(inOrder, received.indexes(), "every message once, in order");
      assertEquals(0, transport.dropped() + transport.duplicated() + transport.delayed());
    }

    @Test
    void passedMessagesKeepSubjectHeadersAndBody() {
      FaultyTransport transport = faulty(outbound(0, 0, 0, 0));
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);
      byte[] body = "{\"v\":1}".getBytes(UTF_8);

      transport.publish(POSTINGS, HEADERS, body);

      Delivery delivery = receiver.deliveries.remove();
      assertEquals(POSTINGS, delivery.subject());
      assertEquals(HEADERS, delivery.headers());
      assertArrayEquals(body, delivery.body());
    }

    @Test
    void noFaultsMeansEverythingPassesInOrder() {
      FaultyTransport transport = faulty(FaultSettings.NONE);
      Receiver receiver = new Receiver();
      network.subscribe(POSTINGS, "consumers", receiver);

      for (int i = 0; i < 1_000; i++) {
        transport.publish(POSTINGS, HEADERS, body(i));
      }

      assertEquals(java.util.stream.IntStream.range(0, 1_000).boxed().toList(), receiver.indexes());
      assertFalse(FaultSettings.NONE.any());
    }

    @Test
    void requestsPassUntouchedEvenOnADisturbedSubject() throws Exception {
      FaultyTransport transport = faulty(outbound(0.9, 0, 0, 0));
      network.subscribe(POSTINGS, "consumers",
          request -> network.publish(request.replyTo(), Map.of(), "pong".getBytes(UTF_8)));

      for (int i = 0; i < 100; i++) {
        Delivery reply = transport.request(POSTINGS, Map.of(), "ping".getBytes(UTF_8), Duration.ofSeconds(5))
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("pong", new String(reply.body(), UTF_8));
      }
      assertEquals(0, transport.dropped());
    }

    @Test
    void connectionStateFlushAndCloseGoToTheInnerTransport() {
      FaultyTransport transport = faulty(FaultSettings.NONE);

      assertTrue(transport.isConnected());
      transport.flush(Duration.ofMillis(10));
      transport.close();

      assertTrue(network.closed());
      assertFalse(transport.isConnected());
    }

    @Test
    void unsubscribingStopsDeliveries() {
      FaultyTransport transport = faulty(inbound(0.1, 0, 0, 0));
      Receiver receiver = new Receiver();
      Transport.Subscription subscription = transport.subscribe(POSTINGS, "consumers", receiver);
      subscription.close();

      network.publish(POSTINGS, HEADERS, body(1));

      assertTrue(receiver.deliveries.isEmpty());
    }
  }

  @Nested
  class Settings {
    @Test
    void probabilitiesMustBeWithinZeroInclusiveAndOneExclusive() {
      assertThrows(IllegalArgumentException.class, () -> new FaultSettings(1.0, 0, 0, 0, 0, 0, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> new FaultSettings(0, -0.1, 0, 0, 0, 0, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> new FaultSettings(0, 0, Double.NaN, 0, 0, 0, 0, 0));
      IllegalArgumentException named =
          assertThrows(IllegalArgumentException.class, () -> new FaultSettings(0, 0, 0, 0, 0, 1.5, 0, 0));
      assertTrue(named.getMessage().contains("inDelay"), named.getMessage());
    }

    @Test
    void delayMaximumIsBounded() {
      assertThrows(IllegalArgumentException.class, () -> new FaultSettings(0, 0, 0, 0, 0, 0, -1, 0));
      assertThrows(IllegalArgumentException.class, () -> new FaultSettings(0, 0, 0, 0, 0, 0, 60_001, 0));
      assertTrue(new FaultSettings(0, 0, 0.01, 0, 0, 0, 60_000, 0).any());
    }
  }

  @Test
  void delayedMessagesWithZeroMaximumDelayStillArrive() throws InterruptedException {
    FaultyTransport transport = faulty(outbound(0, 0, 0.9, 0));
    CountDownLatch arrived = new CountDownLatch(1_000);
    network.subscribe(POSTINGS, "consumers", delivery -> arrived.countDown());

    for (int i = 0; i < 1_000; i++) {
      transport.publish(POSTINGS, HEADERS, body(i));
    }

    assertTrue(arrived.await(WAIT_SECONDS, TimeUnit.SECONDS), arrived.getCount() + " never arrived");
    assertTrue(transport.delayed() > 800, transport.delayed() + " delayed");
  }
}

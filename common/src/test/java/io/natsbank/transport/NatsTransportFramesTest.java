package io.natsbank.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.natsbank.testing.TestNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Frames through a real nats-server: what one side publishes together, the other receives one by one. */
class NatsTransportFramesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static TestNats nats;

  @BeforeAll
  static void startNats() {
    nats = TestNats.start();
  }

  @AfterAll
  static void stopNats() {
    nats.close();
  }

  private static List<Outgoing> messages(String subject, int count) {
    List<Outgoing> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(new Outgoing(subject, Map.of(MessageHeaders.MSG_ID, "t" + i + ":POSTING",
          MessageHeaders.TRACEPARENT, "00-" + i + "-01"), ("{\"i\":" + i + "}").getBytes(UTF_8)));
    }
    return messages;
  }

  private static final class Receiver implements Transport.Handler {
    final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final Semaphore arrived = new Semaphore(0);

    @Override
    public void onDelivery(Delivery delivery) {
      deliveries.add(delivery);
      arrived.release();
    }

    void await(int count) throws InterruptedException {
      assertTrue(arrived.tryAcquire(count, WAIT.toSeconds(), TimeUnit.SECONDS),
          "expected " + count + " deliveries, got " + deliveries.size());
    }
  }

  /**
   * Counts the NATS messages on {@code subject}, as any plain subscriber sees them, until one arrives
   * on {@code subject.end}: the server keeps one publisher's order, so all before it are counted then.
   */
  private static CountDownLatch countRaw(Connection raw, String subject, AtomicInteger count) throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    Dispatcher dispatcher = raw.createDispatcher(message -> {
      if (message.getSubject().endsWith(".end")) {
        ended.countDown();
      } else {
        count.incrementAndGet();
      }
    });
    dispatcher.subscribe(subject);
    dispatcher.subscribe(subject + ".end");
    raw.flush(WAIT);
    return ended;
  }

  private static void sendAndCheck(int frameMessagesMax, int messages, int natsMessagesExpected) throws Exception {
    String subject = "frames.test." + frameMessagesMax;
    NatsSettings settings = NatsSettings.of(nats.url(), "frames-test").withFrameMessagesMax(frameMessagesMax);
    AtomicInteger raw = new AtomicInteger();
    try (NatsTransport sender = NatsTransport.connect(settings);
        NatsTransport receiving = NatsTransport.connect(settings);
        Connection plain = Nats.connect(nats.url())) {
      CountDownLatch ended = countRaw(plain, subject, raw);
      Receiver receiver = new Receiver();
      receiving.subscribe(subject, "group", receiver);
      receiving.flush(WAIT);
      List<Outgoing> sent = messages(subject, messages);

      sender.publishAll(sent);
      sender.publish(subject + ".end", Map.of(), new byte[0]);
      sender.flush(WAIT);
      receiver.await(messages);

      List<Delivery> received = List.copyOf(receiver.deliveries);
      assertEquals(messages, received.size());
      for (int i = 0; i < messages; i++) {
        assertEquals(sent.get(i).headers(), received.get(i).headers());
        assertEquals(new String(sent.get(i).body(), UTF_8), new String(received.get(i).body(), UTF_8));
      }
      assertTrue(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the end marker arrives");
      assertEquals(natsMessagesExpected, raw.get(), "NATS messages on the wire");
      assertEquals(0, receiving.framesRefused());
    }
  }

  @Test
  void messagesPublishedTogetherTravelInFramesAndArriveOneByOneInOrder() throws Exception {
    sendAndCheck(NatsSettings.FRAME_MESSAGES_DEFAULT, 300, 2); // 256 + 44
  }

  @Test
  void oneMessagePerFrameSendsEachAlone() throws Exception {
    sendAndCheck(1, 30, 30);
  }

  @Test
  void aMalformedFrameIsRefusedAndCountedAndWhatFollowsStillArrives() throws Exception {
    String subject = "frames.test.malformed";
    try (NatsTransport receiving = NatsTransport.connect(NatsSettings.of(nats.url(), "frames-test"));
        Connection plain = Nats.connect(nats.url())) {
      Receiver receiver = new Receiver();
      receiving.subscribe(subject, null, receiver);
      receiving.flush(WAIT);
      Headers bad = new Headers();
      bad.add(Frames.FRAME, "3");
      bad.add(Frames.MSG_IDS, "a:POSTING", "b:POSTING");
      bad.add(Frames.TRACEPARENTS, "x", "y", "z");
      plain.publish(NatsMessage.builder().subject(subject).headers(bad).data("{}\n{}\n{}".getBytes(UTF_8)).build());
      Headers single = new Headers();
      single.add(MessageHeaders.MSG_ID, "c:POSTING");
      plain.publish(NatsMessage.builder().subject(subject).headers(single).data("{}".getBytes(UTF_8)).build());
      plain.flush(WAIT);

      receiver.await(1);
      assertEquals(1, receiving.framesRefused());
      assertEquals(List.of("c:POSTING"),
          receiver.deliveries.stream().map(d -> d.headers().get(MessageHeaders.MSG_ID)).toList());
    }
  }
}

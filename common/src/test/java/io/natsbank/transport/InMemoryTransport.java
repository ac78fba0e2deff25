package io.natsbank.transport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake transport for tests: delivers each published message synchronously, on the publishing
 * thread, to every handler subscribed to exactly that subject (no wildcards, queue groups ignored).
 */
final class InMemoryTransport implements Transport {
  private final Map<String, List<Handler>> handlers = new ConcurrentHashMap<>();
  private final AtomicLong inboxes = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private volatile boolean closed;

  @Override
  public void publish(String subject, Map<String, String> headers, byte[] body) {
    deliver(new Delivery(subject, null, headers, body));
  }

  private void deliver(Delivery delivery) {
    published.incrementAndGet();
    for (Handler handler : handlers.getOrDefault(delivery.subject(), List.of())) {
      handler.onDelivery(delivery);
    }
  }

  @Override
  public Subscription subscribe(String subject, String queueGroup, Handler handler) {
    handlers.computeIfAbsent(subject, ignored -> new CopyOnWriteArrayList<>()).add(handler);
    return () -> handlers.get(subject).remove(handler);
  }

  @Override
  public CompletableFuture<Delivery> request(
      String subject, Map<String, String> headers, byte[] body, Duration timeout) {
    String inbox = "_INBOX." + inboxes.incrementAndGet();
    CompletableFuture<Delivery> reply = new CompletableFuture<>();
    Subscription subscription = subscribe(inbox, null, reply::complete);
    reply.whenComplete((delivery, failure) -> subscription.close());
    deliver(new Delivery(subject, inbox, headers, body));
    return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many messages reached this transport, whoever published them. */
  long published() {
    return published.get();
  }

  boolean closed() {
    return closed;
  }

  @Override
  public boolean isConnected() {
    return !closed;
  }

  @Override
  public void flush(Duration timeout) {}

  @Override
  public void close() {
    closed = true;
  }
}

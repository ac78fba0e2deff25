package io.natsbank.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A decorator that drops, duplicates and delays (hence reorders) messages on the subjects it is told
 * to disturb, in both directions, driven by a seed. Request/reply traffic passes untouched unless its
 * subject matches. Any transport can be wrapped in it.
 */
public final class FaultyTransport implements Transport {
  /** Delayed messages held at once; past this a message that should be delayed is sent at once. */
  public static final int DELAYED_MESSAGES_MAX = 100_000;

  private final Transport inner;
  private final FaultSettings settings;
  private final Predicate<String> disturbed;
  private final SplittableRandom random;
  private final ScheduledExecutorService delayer;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder delayed = new LongAdder();
  private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

  public FaultyTransport(Transport inner, FaultSettings settings, Predicate<String> disturbed) {
    this.inner = inner;
    this.settings = settings;
    this.disturbed = disturbed;
    this.random = new SplittableRandom(settings.seed());
    this.delayer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "fault-delayer");
      thread.setDaemon(true);
      return thread;
    });
  }

  private enum Fate { DROP, DUPLICATE, DELAY, PASS }

  private synchronized Fate fate(double drop, double duplicate, double delay) {
    double roll = random.nextDouble();
    if (roll < drop) {
      return Fate.DROP;
    }
    if (roll < drop + duplicate) {
      return Fate.DUPLICATE;
    }
    if (roll < drop + duplicate + delay) {
      return Fate.DELAY;
    }
    return Fate.PASS;
  }

  private synchronized long delayMillis() {
    return settings.delayMaxMillis() == 0 ? 0 : random.nextLong(settings.delayMaxMillis() + 1);
  }

  private void disturb(Fate fate, Runnable action) {
    switch (fate) {
      case DROP -> dropped.increment();
      case DUPLICATE -> {
        duplicated.increment();
        action.run();
        action.run();
      }
      case DELAY -> {
        if (held.incrementAndGet() > DELAYED_MESSAGES_MAX) {
          held.decrementAndGet();
          action.run();
          return;
        }
        delayed.increment();
        delayer.schedule(() -> {
          held.decrementAndGet();
          action.run();
        }, delayMillis(), TimeUnit.MILLISECONDS);
      }
      case PASS -> action.run();
    }
  }

  @Override
  public void publish(String subject, Map<String, String> headers, byte[] body) {
    if (!disturbed.test(subject)) {
      inner.publish(subject, headers, body);
      return;
    }
    Fate fate = fate(settings.outDrop(), settings.outDuplicate(), settings.outDelay());
    disturb(fate, () -> inner.publish(subject, headers, body));
  }

  /**
   * Each message meets its own fate, as if published alone; what passes (twice, if duplicated) goes
   * on to the inner transport together, delayed ones alone when their time comes.
   */
  @Override
  public void publishAll(List<Outgoing> messages) {
    List<Outgoing> passing = new ArrayList<>(messages.size());
    for (Outgoing message : messages) {
      if (!disturbed.test(message.subject())) {
        passing.add(message);
        continue;
      }
      Fate fate = fate(settings.outDrop(), settings.outDuplicate(), settings.outDelay());
      if (fate == Fate.PASS) {
        passing.add(message);
      } else if (fate == Fate.DUPLICATE) {
        duplicated.increment();
        passing.add(message);
        passing.add(message);
      } else {
        disturb(fate, () -> inner.publish(message.subject(), message.headers(), message.body()));
      }
    }
    if (!passing.isEmpty()) {
      inner.publishAll(passing);
    }
  }

  @Override
  public Subscription subscribe(String subject, String queueGroup, Handler handler) {
    if (!disturbed.test(subject)) {
      return inner.subscribe(subject, queueGroup, handler);
    }
    return inner.subscribe(subject, queueGroup, delivery -> {
      Fate fate = fate(settings.inDrop(), settings.inDuplicate(), settings.inDelay());
      disturb(fate, () -> handler.onDelivery(delivery));
    });
  }

  @Override
  public CompletableFuture<Delivery> request(
      String subject, Map<String, String> headers, byte[] body, Duration timeout) {
    return inner.request(subject, headers, body, timeout);
  }

  @Override
  public boolean isConnected() {
    return inner.isConnected();
  }

  @Override
  public void flush(Duration timeout) {
    inner.flush(timeout);
  }

  @Override
  public long framesRefused() {
    return inner.framesRefused();
  }

  @Override
  public long reconnects() {
    return inner.reconnects();
  }

  @Override
  public long publishFailures() {
    return inner.publishFailures();
  }

  public long dropped() {
    return dropped.sum();
  }

  public long duplicated() {
    return duplicated.sum();
  }

  public long delayed() {
    return delayed.sum();
  }

  @Override
  public void close() {
    delayer.shutdownNow();
    inner.close();
  }
}

package io.natsbank.transport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The transport seam: at-most-once publish and queue-group subscribe, plus request/reply for the
 * API. Implementations never throw from {@link #publish}: a message that cannot be sent is lost,
 * which the protocol tolerates by re-sending.
 */
public interface Transport extends AutoCloseable {

  /** Receives deliveries. Called on a transport thread; must not block for long. */
  @FunctionalInterface
  interface Handler {
    void onDelivery(Delivery delivery);
  }

  /** An active subscription. Closing it drains what was already received, then stops. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();

    /**
     * Whether it still takes messages: not closed nor draining (while NATS is away it stays active and
     * is renewed on reconnect). Readiness checks ask it; implementations that cannot tell say true.
     */
    default boolean isActive() {
      return true;
    }
  }

  void publish(String subject, Map<String, String> headers, byte[] body);

  /**
   * Publishes several messages, as a batch's commit hands them over. Implementations may pack the
   * messages to one subject into fewer transport messages ({@link Frames}); each still arrives as its
   * own delivery. Never throws, like {@link #publish}.
   */
  default void publishAll(List<Outgoing> messages) {
    for (Outgoing message : messages) {
      publish(message.subject(), message.headers(), message.body());
    }
  }

  /**
   * Subscribes {@code handler} to {@code subject}; instances that subscribe with the same
   * {@code queueGroup} share the messages (each message goes to one of them).
   */
  Subscription subscribe(String subject, String queueGroup, Handler handler);

  /** Sends a request and completes with the first reply, or exceptionally after {@code timeout}. */
  CompletableFuture<Delivery> request(String subject, Map<String, String> headers, byte[] body, Duration timeout);

  /** Whether the transport is connected now (used by readiness checks). */
  boolean isConnected();

  /** Pushes buffered messages to the server, waiting at most {@code timeout}. */
  void flush(Duration timeout);

  /** Times the connection to the server was re-established since it opened (for metrics). */
  default long reconnects() {
    return 0;
  }

  /** Messages that could not be handed to the server and are lost, which re-sends cover (for metrics). */
  default long publishFailures() {
    return 0;
  }

  /** Frames refused on arrival because their parts disagree ({@link Frames#split}), for metrics. */
  default long framesRefused() {
    return 0;
  }

  @Override
  void close();
}

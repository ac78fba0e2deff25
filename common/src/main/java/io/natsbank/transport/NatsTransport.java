package io.natsbank.transport;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core-NATS adapter: at-most-once publish, queue groups, request/reply; reconnects forever.
 * {@link #publishAll} packs the messages to one subject into {@link Frames}, and subscriptions split
 * frames back into single deliveries.
 */
public final class NatsTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(NatsTransport.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final Connection connection;
  private final NatsSettings settings;
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder framesRefused = new LongAdder();

  private NatsTransport(NatsSettings settings) throws IOException, InterruptedException {
    this.settings = settings;
    Options options = new Options.Builder()
        .servers(settings.servers().toArray(String[]::new))
        .connectionName(settings.connectionName())
        .connectionTimeout(settings.connectTimeout())
        .reconnectWait(settings.reconnectWait())
        .maxReconnects(-1)
        .reconnectBufferSize(settings.reconnectBufferBytes())
        .connectionListener(this::onConnectionEvent)
        .errorListener(new LoggingErrorListener())
        .build();
    this.connection = Nats.connectReconnectOnConnect(options);
  }

  /**
   * Connects to NATS. When no server answers yet, the connection keeps trying in the background
   * (a service may start before NATS does); {@link #isConnected} tells when it is up.
   */
  public static NatsTransport connect(NatsSettings settings) {
    try {
      return new NatsTransport(settings);
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to NATS at " + settings.servers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS", e);
    }
  }

  private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
    if (event == ConnectionListener.Events.RECONNECTED) {
      reconnects.increment();
    }
    log.info("nats {}: {} ({})", settings.connectionName(), event, conn.getConnectedUrl());
  }

  @Override
  public void publish(String subject, Map<String, String> headers, byte[] body) {
    try {
      connection.publish(NatsMessage.builder().subject(subject).headers(toNats(headers)).data(body).build());
    } catch (RuntimeException e) {
      // disconnected with a full reconnect buffer, or closing: the message is lost, re-sends cover it
      publishFailures.increment();
      log.debug("publish to {} failed: {}", subject, e.getMessage());
    }
  }

  /**
   * Publishes the messages to each subject in frames of at most the configured number of messages
   * and {@link Frames#BODY_BYTES_MAX} bytes (or the server's payload limit, if lower).
   */
  @Override
  public void publishAll(List<Outgoing> messages) {
    if (messages.size() == 1 || settings.frameMessagesMax() == 1) {
      messages.forEach(message -> publish(message.subject(), message.headers(), message.body()));
      return;
    }
    for (Frames.Packed packed : Frames.pack(messages, settings.frameMessagesMax(), frameBodyBytesMax())) {
      switch (packed) {
        case Frames.Single single -> publish(single.message().subject(), single.message().headers(),
            single.message().body());
        case Frames.Frame frame -> publishFrame(frame);
      }
    }
  }

  private int frameBodyBytesMax() {
    long serverMax = connection.getServerInfo() == null ? 0 : connection.getServerInfo().getMaxPayload();
    // room for the frame's headers: about 140 bytes per message
    long room = serverMax - 140L * settings.frameMessagesMax();
    return room <= 0 ? Frames.BODY_BYTES_MAX : (int) Math.min(Frames.BODY_BYTES_MAX, room);
  }

  private void publishFrame(Frames.Frame frame) {
    Headers headers = new Headers();
    frame.headers().forEach(headers::add);
    try {
      connection.publish(NatsMessage.builder().subject(frame.subject()).headers(headers).data(frame.body()).build());
    } catch (RuntimeException e) {
      publishFailures.add(frame.size());
      log.debug("publish of a frame of {} to {} failed: {}", frame.size(), frame.subject(), e.getMessage());
    }
  }

  @Override
  public Subscription subscribe(String subject, String queueGroup, Handler handler) {
    Dispatcher dispatcher = connection.createDispatcher(message -> deliver(message, handler));
    dispatcher.setPendingLimits(settings.pendingMessagesMax(), settings.pendingBytesMax());
    if (queueGroup == null) {
      dispatcher.subscribe(subject);
    } else {
      dispatcher.subscribe(subject, queueGroup);
    }
    return new Subscription() {
      @Override
      public void close() {
        try {
          dispatcher.drain(DRAIN_TIMEOUT).get();
        } catch (Exception e) {
          connection.closeDispatcher(dispatcher);
        }
      }

      @Override
      public boolean isActive() {
        return dispatcher.isActive();
      }
    };
  }

  /** Hands a message to the handler, or each message of a frame in turn. */
  private void deliver(Message message, Handler handler) {
    Headers headers = message.getHeaders();
    if (headers == null || !headers.containsKey(Frames.FRAME)) {
      handler.onDelivery(toDelivery(message));
      return;
    }
    List<Delivery> deliveries;
    try {
      Map<String, List<String>> values = new HashMap<>();
      for (String key : headers.keySet()) {
        values.put(key, headers.get(key));
      }
      byte[] body = message.getData() == null ? new byte[0] : message.getData();
      deliveries = Frames.split(message.getSubject(), values, body);
    } catch (Frames.FrameException e) {
      framesRefused.increment();
      log.warn("frame on {} refused, its messages will be re-sent: {}", message.getSubject(), e.getMessage());
      return;
    }
    deliveries.forEach(handler::onDelivery);
  }

  @Override
  public CompletableFuture<Delivery> request(
      String subject, Map<String, String> headers, byte[] body, Duration timeout) {
    try {
      Message request = NatsMessage.builder().subject(subject).headers(toNats(headers)).data(body).build();
      return connection.requestWithTimeout(request, timeout).thenApply(NatsTransport::toDelivery);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean isConnected() {
    return connection.getStatus() == Connection.Status.CONNECTED;
  }

  @Override
  public void flush(Duration timeout) {
    try {
      connection.flush(timeout);
    } catch (TimeoutException e) {
      log.debug("flush timed out after {}", timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public long publishFailures() {
    return publishFailures.sum();
  }

  @Override
  public long framesRefused() {
    return framesRefused.sum();
  }

  @Override
  public long reconnects() {
    return reconnects.sum();
  }

  @Override
  public void close() {
    try {
      connection.flush(Duration.ofSeconds(2));
    } catch (Exception e) {
      log.debug("flush on close failed: {}", e.getMessage());
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Headers toNats(Map<String, String> headers) {
    if (headers == null || headers.isEmpty()) {
      return null;
    }
    Headers natsHeaders = new Headers();
    headers.forEach(natsHeaders::add);
    return natsHeaders;
  }

  private static Delivery toDelivery(Message message) {
    Map<String, String> headers = Map.of();
    if (message.hasHeaders()) {
      Map<String, String> copy = new HashMap<>();
      Headers natsHeaders = message.getHeaders();
      for (String key : natsHeaders.keySet()) {
        copy.put(key, natsHeaders.getFirst(key));
      }
      headers = copy;
    }
    byte[] data = message.getData() == null ? new byte[0] : message.getData();
    return new Delivery(message.getSubject(), message.getReplyTo(), headers, data);
  }

  private static final class LoggingErrorListener implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      log.warn("nats error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      log.warn("nats exception: {}", exp.toString());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
      log.warn("nats slow consumer: messages dropped, peers will re-send");
    }
  }
}

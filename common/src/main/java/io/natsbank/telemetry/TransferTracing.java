package io.natsbank.telemetry;

import io.natsbank.codec.WireCodec;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Response;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.MessageHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The spans of one service, one trace per transfer. A message received opens a span ("posting
 * received", "submit", ...) that lasts until its batch is done; what the core decided for it shows as
 * a child span ("decision", "outcome applied") or an event; each message sent is a span ("posting
 * sent", ...) whose context travels in the {@code traceparent} header, so the receiving process
 * continues the same trace. Re-sends are "... sent" spans with their attempt number, under the
 * transfer's root context.
 *
 * <p>Batches run on worker threads: while a batch runs, its spans are found by transfer id in the
 * current OpenTelemetry context, which is how the node's events and the outbox, called on that
 * thread, find the span each message belongs to. When tracing is off, nothing here is called.
 */
public final class TransferTracing {
  static final AttributeKey<String> TRANSFER_ID = AttributeKey.stringKey("natsbank.transfer_id");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("natsbank.attempt");
  static final AttributeKey<Boolean> RESEND = AttributeKey.booleanKey("natsbank.resend");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("natsbank.outcome");
  static final AttributeKey<String> CAUSE = AttributeKey.stringKey("natsbank.cause");
  static final AttributeKey<String> RESULT = AttributeKey.stringKey("natsbank.result");
  static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("natsbank.batch.size");
  private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final ContextKey<Batch> BATCH = ContextKey.named("natsbank-batch");

  private final Tracer tracer;
  private final String participant;

  TransferTracing(Tracer tracer, String participant) {
    this.tracer = tracer;
    this.participant = participant;
  }

  /** Opens the span of a protocol message received on {@code delivery}, child of the span that sent it. */
  Span received(ProtocolMessage message, Delivery delivery) {
    SpanBuilder builder = builder(kindName(message) + " received", SpanKind.CONSUMER, message.transferId(),
        delivery.headers());
    builder.setAttribute(OPERATION, "process")
        .setAttribute(DESTINATION, delivery.subject())
        .setAttribute(CONSUMER_GROUP, participant)
        .setAttribute(MESSAGE_ID, MessageHeaders.msgId(message));
    attempt(message, builder);
    return builder.startSpan();
  }

  /** Opens the span of a submit request received on the producer's API. */
  Span submitReceived(UUID transferId, Delivery delivery) {
    return builder("submit", SpanKind.SERVER, transferId, delivery.headers())
        .setAttribute(DESTINATION, delivery.subject())
        .startSpan();
  }

  /**
   * A span builder for {@code transferId}: child of the context the headers name when it belongs to the
   * transfer's trace, else of the transfer's root context, linked to the foreign context if any.
   */
  private SpanBuilder builder(String name, SpanKind kind, UUID transferId, Map<String, String> headers) {
    SpanContext fromHeaders = TransferTraceContext.fromHeaders(headers);
    SpanContext parent = TransferTraceContext.belongsTo(fromHeaders, transferId)
        ? fromHeaders : TransferTraceContext.root(transferId);
    SpanBuilder builder = tracer.spanBuilder(name)
        .setSpanKind(kind)
        .setParent(Context.root().with(Span.wrap(parent)))
        .setAttribute(MESSAGING_SYSTEM, "nats")
        .setAttribute(TRANSFER_ID, transferId.toString());
    if (fromHeaders.isValid() && parent != fromHeaders) {
      builder.addLink(fromHeaders);
    }
    return builder;
  }

  /**
   * Publishes {@code message} inside a "... sent" span: child of the span of the message that caused
   * it in the current batch, else of the transfer's root (a re-send from the re-send loop).
   */
  void sent(ProtocolMessage message, String subject, Consumer<Map<String, String>> publish) {
    Batch batch = Context.current().get(BATCH);
    Cause cause = batch == null ? null : batch.takeCauseOfSend(message.transferId());
    SpanContext parent = cause == null ? TransferTraceContext.root(message.transferId())
        : cause.span().getSpanContext();
    boolean resend = ServiceMetrics.attempt(message) > 1 || (cause != null && cause.resend());
    SpanBuilder builder = tracer.spanBuilder(kindName(message) + " sent")
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(Context.root().with(Span.wrap(parent)))
        .setAttribute(MESSAGING_SYSTEM, "nats")
        .setAttribute(OPERATION, "send")
        .setAttribute(DESTINATION, subject)
        .setAttribute(MESSAGE_ID, MessageHeaders.msgId(message))
        .setAttribute(TRANSFER_ID, message.transferId().toString())
        .setAttribute(RESEND, resend);
    attempt(message, builder);
    if (message instanceof Response response) {
      builder.setAttribute(OUTCOME, response.outcome().name());
    } else if (message instanceof Confirm confirm) {
      builder.setAttribute(OUTCOME, confirm.outcome().name());
    }
    Span span = builder.startSpan();
    try {
      publish.accept(MessageHeaders.forMessage(message, TransferTraceContext.traceparent(span.getSpanContext())));
    } finally {
      span.end();
    }
  }

  /**
   * Runs {@code work} on the messages of a batch while their spans are reachable by transfer id, then
   * ends every span: with an error status if the batch failed (its messages were not handled).
   */
  <T> void inBatch(List<Traced<T>> batch, Consumer<List<T>> work) {
    List<T> messages = new ArrayList<>(batch.size());
    Batch current = new Batch(batch.size());
    for (Traced<T> traced : batch) {
      messages.add(traced.message());
      current.add(traced.transferId(), traced.span());
    }
    try (Scope scope = Context.current().with(BATCH, current).makeCurrent()) {
      work.accept(messages);
    } catch (RuntimeException | Error e) {
      for (Traced<T> traced : batch) {
        traced.span().recordException(e);
        traced.span().setStatus(StatusCode.ERROR, "batch not handled: " + e);
      }
      throw e;
    } finally {
      for (Traced<T> traced : batch) {
        traced.span().end();
      }
    }
  }

  /**
   * The span of the next message of {@code transferId} whose decision is reported, in the current
   * batch (decisions are reported in batch order), or null outside a batch.
   */
  Span takeDecided(UUID transferId) {
    Batch batch = Context.current().get(BATCH);
    return batch == null ? null : batch.takeDecided(transferId);
  }

  /**
   * The message received under {@code span} causes a message to be sent (again, if {@code resend}):
   * that one will be its child.
   */
  void willSend(UUID transferId, Span span, boolean resend) {
    Batch batch = Context.current().get(BATCH);
    if (batch != null && span != null) {
      batch.willSend(transferId, new Cause(span, resend));
    }
  }

  /** A child span of {@code parent} covering the current batch's transaction, from its start until now. */
  Span childForBatch(String name, Span parent, UUID transferId) {
    Batch batch = Context.current().get(BATCH);
    SpanBuilder builder = tracer.spanBuilder(name)
        .setParent(Context.root().with(parent))
        .setAttribute(TRANSFER_ID, transferId.toString());
    if (batch != null) {
      builder.setStartTimestamp(batch.startEpochNanos, TimeUnit.NANOSECONDS)
          .setAttribute(BATCH_SIZE, (long) batch.size);
    }
    return builder.startSpan();
  }

  private static void attempt(ProtocolMessage message, SpanBuilder builder) {
    if (!(message instanceof Confirm)) {
      builder.setAttribute(ATTEMPT, (long) ServiceMetrics.attempt(message));
    }
  }

  private record Cause(Span span, boolean resend) {}

  private static String kindName(ProtocolMessage message) {
    return WireCodec.kindOf(message).name().toLowerCase(Locale.ROOT);
  }

  /** The spans of one batch by transfer id, in batch order. Used by the one thread that runs the batch. */
  private static final class Batch {
    private final long startEpochNanos;
    private final int size;
    private final Map<UUID, ArrayDeque<Span>> undecided = new HashMap<>();
    private final Map<UUID, ArrayDeque<Cause>> causesOfSends = new HashMap<>();

    Batch(int size) {
      Instant now = Instant.now();
      this.startEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
      this.size = size;
    }

    void add(UUID transferId, Span span) {
      undecided.computeIfAbsent(transferId, id -> new ArrayDeque<>()).addLast(span);
    }

    Span takeDecided(UUID transferId) {
      ArrayDeque<Span> spans = undecided.get(transferId);
      return spans == null ? null : spans.pollFirst();
    }

    void willSend(UUID transferId, Cause cause) {
      causesOfSends.computeIfAbsent(transferId, id -> new ArrayDeque<>()).addLast(cause);
    }

    Cause takeCauseOfSend(UUID transferId) {
      ArrayDeque<Cause> causes = causesOfSends.get(transferId);
      return causes == null ? null : causes.pollFirst();
    }
  }
}

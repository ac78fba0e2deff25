package io.natsbank.telemetry;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.natsbank.codec.WireCodec;
import io.natsbank.node.NodeEvents;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore.ConfirmDecision;
import io.natsbank.protocol.ConsumerCore.PostingDecision;
import io.natsbank.protocol.ConsumerPosting;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore.ResponseDecision;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.runtime.InboundGuard;
import io.natsbank.store.pg.Database;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.MessageHeaders;
import io.natsbank.transport.Outgoing;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one service instance reports about the transfers it handles, at the boundary between
 * the runtime (NATS, queues, batches) and the node: metrics, one trace per transfer, and one log line
 * per protocol event at DEBUG on the logger {@value #TRANSFER_LOGGER} (with the participant and the
 * transfer id in the MDC). It is the node's {@link NodeEvents}: refusals and batch figures go on to
 * the {@link InboundGuard} as before, decisions become span events and metrics. The protocol core
 * knows nothing of it.
 *
 * <p>With tracing off, no span is created and the {@code traceparent} header is the plain one
 * ({@link MessageHeaders#forMessage(ProtocolMessage, java.util.random.RandomGenerator)}); metrics are
 * always on (an increment each).
 */
public final class ServiceTelemetry implements NodeEvents, AutoCloseable {
  public static final String TRANSFER_LOGGER = "io.natsbank.transfers";
  private static final Logger transferLog = LoggerFactory.getLogger(TRANSFER_LOGGER);

  private final Telemetry telemetry;
  private final String participant;
  private final InboundGuard guard;
  private final ServiceMetrics metrics;
  /** Null when tracing is off. */
  private final TransferTracing tracing;
  private volatile StateGauges stateGauges;

  public ServiceTelemetry(Telemetry telemetry, String participant, InboundGuard guard) {
    this.telemetry = telemetry;
    this.participant = participant;
    this.guard = guard;
    this.metrics = new ServiceMetrics(telemetry.registry(), participant);
    this.tracing = telemetry.tracing() ? new TransferTracing(telemetry.tracer(), participant) : null;
  }

  // ---- what arrives

  /** A protocol message decoded from {@code delivery}: counted, and its reception span opened. */
  public <T extends ProtocolMessage> Traced<T> received(T message, Delivery delivery) {
    metrics.received(message);
    Span span = tracing == null ? Span.getInvalid() : tracing.received(message, delivery);
    return new Traced<>(message, message.transferId(), span);
  }

  /** A submit request decoded from {@code delivery}, queued as {@code job}: its "submit" span opened. */
  public <T> Traced<T> submitReceived(T job, SubmitRequest request, Delivery delivery) {
    Span span = tracing == null ? Span.getInvalid() : tracing.submitReceived(request.transferId(), delivery);
    return new Traced<>(job, request.transferId(), span);
  }

  /**
   * Handles a batch: {@code work} gets the messages; the spans of their reception stay reachable while
   * it runs (so decisions and sends join them), and end when it returns or throws.
   */
  public <T> void inBatch(List<Traced<T>> batch, Consumer<List<T>> work) {
    if (tracing != null) {
      tracing.inBatch(batch, work);
      return;
    }
    work.accept(Traced.messages(batch));
  }

  /** {@link InboundGuard#guard}, counting failed handlers in the metrics too. */
  public Transport.Handler guard(String what, Transport.Handler handler) {
    return guard.guard(what, delivery -> {
      try {
        handler.onDelivery(delivery);
      } catch (RuntimeException | Error e) {
        metrics.handlerError(what);
        throw e;
      }
    });
  }

  /** A message dropped because the queue {@code queue} stayed full: counted, its span ended as failed. */
  public void dropped(String queue, Traced<?> traced) {
    metrics.dropped(queue);
    traced.span().setStatus(StatusCode.ERROR, "dropped: queue " + queue + " is full");
    traced.span().end();
  }

  /**
   * A request refused without a log line each (BUSY under overload): counted, and its span, if it has
   * one ({@code traced} may be null), ended as failed.
   */
  public void refusedQuietly(String what, Refusal.Code code, Traced<?> traced) {
    metrics.refused(what, code.name());
    if (traced != null) {
      traced.span().setStatus(StatusCode.ERROR, "refused: " + code);
      traced.span().end();
    }
  }

  // ---- what is sent

  /**
   * Encodes the messages a batch produced and publishes them together ({@link Transport#publishAll}:
   * in frames, where the transport makes them), each inside its own "... sent" span when tracing.
   */
  public void publishAll(Transport transport, Subjects subjects, List<? extends ProtocolMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<Outgoing> outgoing = new ArrayList<>(messages.size());
    for (ProtocolMessage message : messages) {
      String subject = subjects.destination(message);
      byte[] body = WireCodec.encode(message);
      if (tracing == null) {
        outgoing.add(new Outgoing(subject, MessageHeaders.forMessage(message, ThreadLocalRandom.current()), body));
      } else {
        tracing.sent(message, subject, headers -> outgoing.add(new Outgoing(subject, headers, body)));
      }
      metrics.sent(message);
      if (transferLog.isDebugEnabled()) {
        log(message.transferId(), "sent " + WireCodec.kindOf(message) + describe(message) + " to " + subject);
      }
    }
    transport.publishAll(outgoing);
  }

  // ---- what is watched

  /**
   * Pool usage (Hikari's Micrometer metrics), NATS reconnects and publish failures, and the state
   * gauges read from the participant's summary view every {@link Telemetry#stateRefresh()}.
   */
  public void watch(HikariDataSource dataSource, Database.Role role, Transport transport) {
    dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(telemetry.registry()));
    metrics.watchTransport(transport);
    stateGauges = new StateGauges(telemetry.registry(), metrics.tags(), participant, dataSource, role,
        telemetry.stateRefresh());
  }

  /** The number of messages waiting in a queue of this process. */
  public void watchQueue(String queue, IntSupplier size) {
    metrics.watchQueue(queue, size);
  }

  // ---- node events

  @Override
  public void refused(String what, UUID transferId, Refusal refusal) {
    guard.refused(what, transferId, refusal);
    metrics.refused(what, refusal.code().name());
  }

  @Override
  public void committed(String what, int size) {
    guard.committed(what, size);
  }

  @Override
  public void committed(String what, int size, long elapsedNanos) {
    guard.committed(what, size);
    metrics.committed(what, size, elapsedNanos);
  }

  @Override
  public void decided(SubmitRequest request, SubmitDecision decision) {
    UUID id = request.transferId();
    Span span = takeDecided(id);
    String result = switch (decision) {
      case SubmitDecision.Accepted accepted -> {
        willSend(id, span, false);
        yield "ACCEPTED";
      }
      case SubmitDecision.RejectedAtOnce rejected -> {
        span.setAttribute(TransferTracing.OUTCOME, "REJECTED");
        span.setAttribute(TransferTracing.CAUSE, rejected.transfer().cause().name());
        yield "REJECTED";
      }
      case SubmitDecision.Existing existing -> {
        span.addEvent("duplicate submit: the stored transfer is answered");
        yield "DUPLICATE";
      }
      case SubmitDecision.Refused refused -> {
        span.setStatus(StatusCode.ERROR, refused.refusal().code() + ": " + refused.refusal().message());
        yield "REFUSED";
      }
    };
    span.setAttribute(TransferTracing.RESULT, result);
    metrics.submitted(result);
    if (transferLog.isDebugEnabled()) {
      log(id, "submit " + result + switch (decision) {
        case SubmitDecision.Accepted accepted -> ": payer " + request.payer() + " debited "
            + request.amount().text() + " " + request.amount().currency() + ", posting to " + request.consumer();
        case SubmitDecision.RejectedAtOnce rejected -> ": " + rejected.transfer().cause() + " "
            + rejected.transfer().reason();
        case SubmitDecision.Existing existing -> ": stored as " + existing.transfer().status();
        case SubmitDecision.Refused refused -> ": " + refused.refusal().code();
      });
    }
  }

  @Override
  public void decided(Response response, ResponseDecision decision) {
    UUID id = response.transferId();
    Span span = takeDecided(id);
    switch (decision) {
      case ResponseDecision.Applied applied -> {
        ProducerTransfer transfer = applied.transfer();
        long latencyMillis = transfer.finishedAtMillis() - transfer.createdAtMillis();
        metrics.outcomeApplied(transfer.outcome(), latencyMillis);
        if (tracing != null) {
          Span outcome = tracing.childForBatch("outcome applied", span, id);
          outcome.setAttribute(TransferTracing.OUTCOME, transfer.status().name());
          if (transfer.cause() != null) {
            outcome.setAttribute(TransferTracing.CAUSE, transfer.cause().name());
            outcome.addEvent("payer refunded");
          }
          outcome.setAttribute("natsbank.postings_sent", transfer.attempts());
          outcome.setAttribute("natsbank.submit_to_outcome_ms", latencyMillis);
          outcome.end();
        }
        willSend(id, span, false);
        if (transferLog.isDebugEnabled()) {
          log(id, "outcome " + transfer.status() + (transfer.cause() == null ? "" : " " + transfer.cause()
              + ", payer refunded") + " applied " + latencyMillis + " ms after submit, after "
              + transfer.attempts() + " posting(s)");
        }
      }
      case ResponseDecision.Acked acked -> {
        span.addEvent("acked: the consumer holds the posting, no decision yet");
        debug(id, "acked by " + response.consumer());
      }
      case ResponseDecision.Reconfirm reconfirm -> {
        span.addEvent("already final: confirmed again");
        metrics.duplicate(WireCodec.Kind.RESPONSE);
        metrics.confirmSentAgain();
        willSend(id, span, true);
        debug(id, "response attempt " + response.attempt() + " for a final transfer: confirming again");
      }
      case ResponseDecision.Ignored ignored -> {
        span.addEvent("ignored: " + ignored.why());
        metrics.duplicate(WireCodec.Kind.RESPONSE);
        debug(id, "response attempt " + response.attempt() + " ignored: " + ignored.why());
      }
      case ResponseDecision.Refused refused -> refusedSpan(span, refused.refusal());
    }
  }

  @Override
  public void decided(Posting posting, PostingDecision decision) {
    UUID id = posting.transferId();
    Span span = takeDecided(id);
    switch (decision) {
      case PostingDecision.Decided decided -> {
        ConsumerPosting stored = decided.posting();
        metrics.decided(stored.decision(), stored.cause());
        if (tracing != null) {
          Span decisionSpan = tracing.childForBatch("decision", span, id);
          decisionSpan.setAttribute(TransferTracing.OUTCOME, stored.decision().name());
          if (stored.cause() != null) {
            decisionSpan.setAttribute(TransferTracing.CAUSE, stored.cause().name());
          } else {
            decisionSpan.addEvent("payee credited");
          }
          decisionSpan.end();
        }
        willSend(id, span, false);
        if (transferLog.isDebugEnabled()) {
          log(id, "decided " + stored.decision() + (stored.cause() == null ? ": payee " + stored.terms().payee()
              + " credited" : ": " + stored.cause() + " " + stored.reason()) + " (posting attempt "
              + posting.attempt() + ")");
        }
      }
      case PostingDecision.Duplicate duplicate -> {
        span.addEvent("duplicate posting: the stored decision is answered again");
        metrics.duplicate(WireCodec.Kind.POSTING);
        willSend(id, span, false);
        debug(id, "posting attempt " + posting.attempt() + " already decided: answering "
            + duplicate.response().outcome() + " again");
      }
      case PostingDecision.Refused refused -> refusedSpan(span, refused.refusal());
    }
  }

  @Override
  public void decided(Confirm confirm, ConfirmDecision decision) {
    UUID id = confirm.transferId();
    Span span = takeDecided(id);
    switch (decision) {
      case ConfirmDecision.Confirmed confirmed -> {
        span.addEvent("confirmed: re-sends stop");
        debug(id, "confirmed " + confirm.outcome() + " after " + confirmed.posting().responses() + " response(s)");
      }
      case ConfirmDecision.AlreadyConfirmed already -> {
        span.addEvent("already confirmed");
        metrics.duplicate(WireCodec.Kind.CONFIRM);
        debug(id, "confirm again for a confirmed decision");
      }
      case ConfirmDecision.Refused refused -> refusedSpan(span, refused.refusal());
    }
  }

  private Span takeDecided(UUID transferId) {
    if (tracing == null) {
      return Span.getInvalid();
    }
    Span span = tracing.takeDecided(transferId);
    return span == null ? Span.getInvalid() : span;
  }

  private void willSend(UUID transferId, Span span, boolean resend) {
    if (tracing != null) {
      tracing.willSend(transferId, span, resend);
    }
  }

  private static void refusedSpan(Span span, Refusal refusal) {
    span.setStatus(StatusCode.ERROR, refusal.code() + ": " + refusal.message());
  }

  private static String describe(ProtocolMessage message) {
    return switch (message) {
      case Posting posting -> " attempt " + posting.attempt();
      case Response response -> " " + response.outcome() + (response.cause() == null ? "" : " " + response.cause())
          + " attempt " + response.attempt();
      case Confirm confirm -> " " + confirm.outcome();
    };
  }

  private void debug(UUID transferId, String line) {
    if (transferLog.isDebugEnabled()) {
      log(transferId, line);
    }
  }

  private void log(UUID transferId, String line) {
    guard.withContext(transferId, () -> transferLog.debug("{}: {}", participant, line));
  }

  /** Stops reading the state views and removes this instance's meters. */
  @Override
  public void close() {
    StateGauges gauges = stateGauges;
    if (gauges != null) {
      gauges.close();
    }
    metrics.close();
  }
}

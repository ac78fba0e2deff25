package io.natsbank.telemetry;

import io.natsbank.transport.MessageHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * How every process joins the trace of a transfer: its trace id is the transfer id. A span started
 * for a message that arrived takes the {@code traceparent} of that message as its parent; a span with
 * nothing to descend from (a re-send, a submit without a usable header) takes the transfer's
 * <em>root context</em>: trace id = transfer id, span id derived from the transfer id, the same in
 * every process and after every restart. No process records a span with that id, so trace viewers
 * show those spans side by side at the top of the transfer's one trace.
 */
public final class TransferTraceContext {
  private static final HexFormat HEX = HexFormat.of();
  private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private TransferTraceContext() {}

  /** The trace id of a transfer: its UUID as 32 lower-case hex digits. */
  public static String traceId(UUID transferId) {
    return HEX.toHexDigits(transferId.getMostSignificantBits()) + HEX.toHexDigits(transferId.getLeastSignificantBits());
  }

  /** The root context of a transfer's trace (a remote parent, sampled). */
  public static SpanContext root(UUID transferId) {
    long spanId = transferId.getLeastSignificantBits();
    return SpanContext.createFromRemoteParent(traceId(transferId), HEX.toHexDigits(spanId == 0 ? 1 : spanId),
        TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The span context a {@code traceparent} header names, or an invalid one when there is none or it is malformed. */
  public static SpanContext fromHeaders(Map<String, String> headers) {
    if (headers == null || !headers.containsKey(MessageHeaders.TRACEPARENT)) {
      return SpanContext.getInvalid();
    }
    Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    return Span.fromContext(extracted).getSpanContext();
  }

  /** Whether {@code context} is a valid span of this transfer's trace. */
  public static boolean belongsTo(SpanContext context, UUID transferId) {
    return context.isValid() && context.getTraceId().equals(traceId(transferId));
  }

  /** The W3C {@code traceparent} value that names {@code context} as the parent of what receives it. */
  public static String traceparent(SpanContext context) {
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }
}

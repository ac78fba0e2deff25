package io.natsbank.runtime;

import io.natsbank.node.NodeEvents;
import io.natsbank.protocol.Refusal;
import io.natsbank.transport.Transport;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one guard at the message boundary: whatever a handler throws is caught, counted and logged with
 * the participant and transfer id, and the subscription lives on. Refusals (bad input) are counted by
 * cause; they are operating errors, logged at WARN, never thrown.
 */
public final class InboundGuard implements NodeEvents {
  private static final Logger log = LoggerFactory.getLogger(InboundGuard.class);

  private final String participant;
  private final Counters counters;

  public InboundGuard(String participant, Counters counters) {
    this.participant = participant;
    this.counters = counters;
  }

  public Transport.Handler guard(String what, Transport.Handler handler) {
    return delivery -> {
      try {
        handler.onDelivery(delivery);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError fatal) {
          throw fatal;
        }
        counters.increment("handler_errors_total." + what);
        withContext(null, () -> log.error("{}: handler for {} on {} failed", participant, what, delivery.subject(), e));
      }
    };
  }

  @Override
  public void refused(String what, UUID transferId, Refusal refusal) {
    counters.increment("refused_total." + what + "." + refusal.code());
    withContext(transferId, () -> log.warn("{}: refused {} of transfer {}: {} {}", participant, what,
        transferId == null ? "(unreadable)" : transferId, refusal.code(), refusal.message()));
  }

  @Override
  public void committed(String what, int size) {
    counters.increment("batches_total." + what);
    counters.add("batch_items_total." + what, size);
  }

  /** Runs {@code action} with the participant and transfer id in the logging context (MDC). */
  public void withContext(UUID transferId, Runnable action) {
    MDC.put("participant", participant);
    if (transferId != null) {
      MDC.put("transferId", transferId.toString());
    }
    try {
      action.run();
    } finally {
      MDC.remove("transferId");
      MDC.remove("participant");
    }
  }
}

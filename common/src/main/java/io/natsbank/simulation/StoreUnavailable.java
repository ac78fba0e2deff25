package io.natsbank.simulation;

import io.natsbank.node.StoreException;

/** An injected database outage: an operating error the runtime's guard absorbs, never a violation. */
final class StoreUnavailable extends StoreException {
  StoreUnavailable(String store) {
    super("database of " + store + " is unavailable (simulated outage)");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}

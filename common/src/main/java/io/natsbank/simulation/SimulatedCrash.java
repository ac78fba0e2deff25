package io.natsbank.simulation;

/**
 * Thrown through a node when its instance dies in the middle of a step; the store discards the
 * transaction it unwinds. Carries no stack trace: it is control flow, thrown thousands of times.
 */
final class SimulatedCrash extends RuntimeException {
  SimulatedCrash(String instance) {
    super("instance " + instance + " crashed", null, false, false);
  }
}

package io.natsbank.transport;

/**
 * Probabilities of faults the {@link FaultyTransport} injects on protocol subjects, per direction:
 * "out" applies to what this process publishes, "in" to what it receives. A delayed message is held
 * for a random time up to {@code delayMaxMillis}, which also reorders it.
 */
public record FaultSettings(
    double outDrop,
    double outDuplicate,
    double outDelay,
    double inDrop,
    double inDuplicate,
    double inDelay,
    long delayMaxMillis,
    long seed) {

  public static final FaultSettings NONE = new FaultSettings(0, 0, 0, 0, 0, 0, 0, 0);

  public FaultSettings {
    check("outDrop", outDrop);
    check("outDuplicate", outDuplicate);
    check("outDelay", outDelay);
    check("inDrop", inDrop);
    check("inDuplicate", inDuplicate);
    check("inDelay", inDelay);
    if (delayMaxMillis < 0 || delayMaxMillis > 60_000) {
      throw new IllegalArgumentException("fault delay max must be within 0..60000 ms, got " + delayMaxMillis);
    }
  }

  private static void check(String name, double probability) {
    if (!(probability >= 0 && probability < 1)) {
      throw new IllegalArgumentException("fault probability " + name + " must be within [0, 1), got " + probability);
    }
  }

  public boolean any() {
    return outDrop + outDuplicate + outDelay + inDrop + inDuplicate + inDelay > 0;
  }
}

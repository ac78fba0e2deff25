package io.natsbank.injector;

import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The share of each {@link Intent} among fired transfers, as integer weights, written
 * {@code normal=94,unknown-payee=3,insufficient-funds=3}. Kinds left out weigh 0.
 */
public record TransferMix(Map<Intent, Integer> weights) {
  public static final String DEFAULT = "normal=94,unknown-payee=3,insufficient-funds=3";
  private static final int WEIGHT_MAX = 1_000_000;

  public TransferMix {
    weights = Map.copyOf(weights);
    int total = 0;
    for (int weight : weights.values()) {
      if (weight < 0 || weight > WEIGHT_MAX) {
        throw new IllegalArgumentException("mix weights must be between 0 and " + WEIGHT_MAX);
      }
      total += weight;
    }
    if (total == 0) {
      throw new IllegalArgumentException("the mix must give at least one kind a positive weight");
    }
  }

  public static TransferMix parse(String text) {
    Map<Intent, Integer> weights = new EnumMap<>(Intent.class);
    for (String part : text.split(",")) {
      String[] pair = part.trim().split("=", 2);
      if (pair.length != 2) {
        throw new IllegalArgumentException("mix entries look like kind=weight, got '" + part.trim() + "'");
      }
      Intent intent = Intent.parse(pair[0].trim());
      if (weights.containsKey(intent)) {
        throw new IllegalArgumentException("mix names '" + pair[0].trim() + "' twice");
      }
      try {
        weights.put(intent, Integer.parseInt(pair[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("mix weight of '" + pair[0].trim() + "' must be an integer, got '"
            + pair[1].trim() + "'");
      }
    }
    return new TransferMix(weights);
  }

  private int total() {
    return weights.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Draws one kind with the mix's probabilities. */
  public Intent draw(RandomGenerator random) {
    int ticket = random.nextInt(total());
    for (Intent intent : Intent.values()) {
      ticket -= weights.getOrDefault(intent, 0);
      if (ticket < 0) {
        return intent;
      }
    }
    throw new IllegalStateException("unreachable: ticket beyond the mix total");
  }
}

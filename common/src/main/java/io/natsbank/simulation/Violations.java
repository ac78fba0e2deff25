package io.natsbank.simulation;

import java.util.ArrayList;
import java.util.List;

/** The invariant violations of one run, in the order found; kept up to a cap, all counted. */
final class Violations {
  static final int KEPT_MAX = 50;

  private final List<String> kept = new ArrayList<>();
  private int count;

  void add(String violation) {
    count++;
    if (kept.size() < KEPT_MAX) {
      kept.add(violation);
    }
  }

  int count() {
    return count;
  }

  List<String> list() {
    List<String> result = new ArrayList<>(kept);
    if (count > kept.size()) {
      result.add("... and " + (count - kept.size()) + " more violations");
    }
    return List.copyOf(result);
  }
}

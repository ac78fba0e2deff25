package io.natsbank.injector;

import io.natsbank.protocol.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The participant lists every command takes: parsed, validated, distinct. */
public final class Participants {
  private Participants() {}

  /** Splits a comma list, trimming blanks; every name must be a valid participant name. */
  public static List<String> parse(String option, String commaSeparated) {
    List<String> names = new ArrayList<>();
    if (commaSeparated != null) {
      Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(name -> !name.isEmpty())
          .forEach(name -> names.add(Names.participant(option, name)));
    }
    return names;
  }

  public static List<String> required(String option, String environment, String commaSeparated) {
    List<String> names = parse(option, commaSeparated);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("missing " + option + " (or environment variable " + environment + ")");
    }
    return names;
  }

  /** No name twice, none shared by producers and consumers. */
  public static void requireDistinct(List<String> producers, List<String> consumers) {
    Set<String> seen = new HashSet<>();
    for (String name : concat(producers, consumers)) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("participant '" + name + "' is named twice; every producer and "
            + "consumer needs its own name and database");
      }
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}

package io.natsbank.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile's last stage says about the container it makes: base image, environment, user,
 * exposed ports, entrypoint and command (exec form), and what it copies from where. Enough of the
 * syntax for this project's Dockerfiles: line continuations, comments, ENV KEY=VALUE.
 */
record Dockerfile(Path path, List<String> stages, String runtimeImage, Map<String, String> environment, String user,
    List<Integer> exposedPorts, List<String> entrypoint, List<String> command, List<Copy> copies,
    List<String> buildCommands) {

  /** One COPY of the last stage: {@code from} is the stage it copies from, or null for the build context. */
  record Copy(String from, String source, String destination) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FROM = Pattern.compile("(?i)FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");

  static Dockerfile read(Path path) {
    List<String> instructions = instructions(path);
    List<String> stages = new ArrayList<>();
    List<String> buildCommands = new ArrayList<>();
    String runtimeImage = null;
    Map<String, String> environment = new LinkedHashMap<>();
    String user = null;
    List<Integer> exposed = new ArrayList<>();
    List<String> entrypoint = List.of();
    List<String> command = List.of();
    List<Copy> copies = new ArrayList<>();
    for (String instruction : instructions) {
      String keyword = instruction.split("\\s+", 2)[0].toUpperCase();
      String argument = instruction.substring(keyword.length()).trim();
      switch (keyword) {
        case "FROM" -> {
          Matcher from = FROM.matcher(instruction);
          if (!from.matches()) {
            throw new IllegalArgumentException(path + ": cannot read " + instruction);
          }
          stages.add(from.group(1));
          runtimeImage = from.group(1);
          environment.clear();
          user = null;
          exposed.clear();
          entrypoint = List.of();
          command = List.of();
          copies.clear();
        }
        case "ENV" -> environment.putAll(keyValues(path, argument));
        case "USER" -> user = argument;
        case "EXPOSE" -> {
          for (String port : argument.split("\\s+")) {
            exposed.add(Integer.parseInt(port.replace("/tcp", "")));
          }
        }
        case "ENTRYPOINT" -> entrypoint = execForm(path, argument);
        case "CMD" -> command = execForm(path, argument);
        case "COPY" -> copies.add(copy(argument));
        case "RUN" -> buildCommands.add(argument);
        default -> { }
      }
    }
    return new Dockerfile(path, stages, runtimeImage, Map.copyOf(environment), user, List.copyOf(exposed),
        entrypoint, command, List.copyOf(copies), List.copyOf(buildCommands));
  }

  /** The numeric user id of USER uid[:gid]. */
  int userId() {
    return Integer.parseInt(user.split(":")[0]);
  }

  /** Where the last stage's COPY of {@code destination} came from. */
  Copy copyTo(String destination) {
    return copies.stream().filter(copy -> copy.destination().equals(destination)).findFirst()
        .orElseThrow(() -> new AssertionError(path + " copies nothing to " + destination));
  }

  private static List<String> instructions(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      instructions.add(current.toString().strip());
      current.setLength(0);
    }
    return instructions;
  }

  private static List<String> execForm(Path path, String argument) {
    try {
      return JSON.readValue(argument, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(path + ": ENTRYPOINT and CMD must be in exec form (a JSON array): "
          + argument, e);
    }
  }

  private static Map<String, String> keyValues(Path path, String argument) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : argument.split("\\s+")) {
      int equals = pair.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException(path + ": write ENV as KEY=VALUE: " + argument);
      }
      values.put(pair.substring(0, equals), pair.substring(equals + 1).replace("\"", ""));
    }
    return values;
  }

  private static Copy copy(String argument) {
    String from = null;
    List<String> parts = new ArrayList<>();
    for (String part : argument.split("\\s+")) {
      if (part.startsWith("--from=")) {
        from = part.substring("--from=".length());
      } else if (!part.startsWith("--")) {
        parts.add(part);
      }
    }
    return new Copy(from, parts.getFirst(), parts.getLast());
  }
}

package io.natsbank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/** RFC 6902 add, replace, remove and test on Jackson trees, with RFC 6901 pointers. */
final class JsonPatch {
  private JsonPatch() {}

  static void apply(ObjectNode document, JsonNode operation) {
    String op = operation.path("op").asText();
    String path = operation.path("path").asText();
    List<String> tokens = tokens(path);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("a patch of the whole document is not supported: " + operation);
    }
    JsonNode parent = document.at(parentPointer(path));
    String last = tokens.getLast();
    if (parent.isMissingNode()) {
      throw new IllegalArgumentException(op + ": no parent for " + path);
    }
    switch (op) {
      case "add" -> add(parent, last, operation.get("value"), path);
      case "replace" -> {
        requireExisting(parent, last, path, op);
        set(parent, last, operation.get("value"));
      }
      case "remove" -> {
        requireExisting(parent, last, path, op);
        remove(parent, last);
      }
      case "test" -> {
        if (!document.at(path).equals(operation.get("value"))) {
          throw new IllegalArgumentException("test failed at " + path);
        }
      }
      default -> throw new IllegalArgumentException("patch operation '" + op + "' is not supported");
    }
  }

  private static void add(JsonNode parent, String last, JsonNode value, String path) {
    if (parent instanceof ArrayNode array) {
      if ("-".equals(last)) {
        array.add(value);
      } else {
        array.insert(index(array, last, path, true), value);
      }
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }

  private static void set(JsonNode parent, String last, JsonNode value) {
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }

  private static void remove(JsonNode parent, String last) {
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(last));
    } else {
      ((ObjectNode) parent).remove(last);
    }
  }

  private static void requireExisting(JsonNode parent, String last, String path, String op) {
    boolean exists = parent instanceof ArrayNode array
        ? index(array, last, path, false) < array.size()
        : parent.has(last);
    if (!exists) {
      throw new IllegalArgumentException(op + ": nothing at " + path);
    }
  }

  private static int index(ArrayNode array, String token, String path, boolean allowEnd) {
    try {
      int index = Integer.parseInt(token);
      if (index < 0 || index > array.size() || (!allowEnd && index == array.size())) {
        throw new IllegalArgumentException("index out of range at " + path);
      }
      return index;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an array index at " + path, e);
    }
  }

  private static String parentPointer(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  private static List<String> tokens(String path) {
    if (path.isEmpty()) {
      return List.of();
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a JSON pointer starts with '/': " + path);
    }
    return Arrays.stream(path.substring(1).split("/", -1))
        .map(token -> token.replace("~1", "/").replace("~0", "~"))
        .toList();
  }
}

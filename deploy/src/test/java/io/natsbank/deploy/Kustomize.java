package io.natsbank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A small kustomize: renders a kustomization the way {@code kubectl kustomize} does, for the features
 * this project's manifests use, so that the checks run where no kubectl is installed (and a test
 * compares both wherever it is). Supported: {@code resources} (files and directories), {@code
 * namespace}, and {@code patches} holding inline JSON 6902 operations with a target of kind and
 * optional name. Anything else is refused by name, rather than rendered wrongly.
 */
final class Kustomize {
  static final YAMLMapper YAML = new YAMLMapper();

  private static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "patches");
  private static final Set<String> CLUSTER_SCOPED_KINDS = Set.of("Namespace", "PersistentVolume", "StorageClass",
      "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass");

  private Kustomize() {}

  /** Every object the kustomization in {@code directory} renders, in the order of its resources. */
  static List<ObjectNode> render(Path directory) {
    Path file = directory.resolve("kustomization.yaml");
    JsonNode kustomization = readDocuments(file).getFirst();
    kustomization.fieldNames().forEachRemaining(field -> {
      if (!SUPPORTED_FIELDS.contains(field)) {
        throw new IllegalArgumentException(file + ": '" + field + "' is not supported by the test's kustomize "
            + "renderer; extend Kustomize or keep to " + SUPPORTED_FIELDS);
      }
    });
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = directory.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(render(path));
      } else {
        readDocuments(path).forEach(document -> objects.add((ObjectNode) document));
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      applyPatch(file, patch, objects);
    }
    if (kustomization.hasNonNull("namespace")) {
      String namespace = kustomization.get("namespace").asText();
      objects.forEach(object -> setNamespace(object, namespace));
    }
    return objects;
  }

  /** The YAML documents of a file, without the empty ones. */
  static List<JsonNode> readDocuments(Path file) {
    try {
      return readDocuments(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static List<JsonNode> readDocuments(String text) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && document.isObject() && !document.isEmpty()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse YAML", e);
    }
    return documents;
  }

  private static void setNamespace(ObjectNode object, String namespace) {
    ObjectNode metadata = object.withObjectProperty("metadata");
    String kind = object.path("kind").asText();
    if ("Namespace".equals(kind)) {
      metadata.put("name", namespace);
    } else if (!CLUSTER_SCOPED_KINDS.contains(kind)) {
      metadata.put("namespace", namespace);
    }
  }

  private static void applyPatch(Path file, JsonNode patch, List<ObjectNode> objects) {
    JsonNode target = patch.path("target");
    target.fieldNames().forEachRemaining(field -> {
      if (!Set.of("kind", "name").contains(field)) {
        throw new IllegalArgumentException(file + ": patch target field '" + field + "' is not supported");
      }
    });
    if (!patch.hasNonNull("patch") || patch.has("path")) {
      throw new IllegalArgumentException(file + ": only inline patches ('patch:') are supported");
    }
    JsonNode operations = readOperations(file, patch.get("patch").asText());
    int matched = 0;
    for (ObjectNode object : objects) {
      if (matches(target, object)) {
        matched++;
        for (JsonNode operation : operations) {
          JsonPatch.apply(object, operation);
        }
      }
    }
    if (matched == 0) {
      throw new IllegalArgumentException(file + ": patch target " + target + " matches no resource");
    }
  }

  private static JsonNode readOperations(Path file, String text) {
    try {
      JsonNode operations = YAML.readTree(text);
      if (!(operations instanceof ArrayNode)) {
        throw new IllegalArgumentException(file + ": only JSON 6902 patches (a list of operations) are supported");
      }
      return operations;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot parse a patch", e);
    }
  }

  private static boolean matches(JsonNode target, ObjectNode object) {
    return (!target.has("kind") || target.get("kind").asText().equals(object.path("kind").asText()))
        && (!target.has("name") || target.get("name").asText().equals(object.path("metadata").path("name").asText()));
  }
}

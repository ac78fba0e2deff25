package io.natsbank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects a kustomization renders, with the look-ups the checks need. */
final class Manifests {
  /** The image repository of this project's services: natsbank/producer, natsbank/consumer, natsbank/injector. */
  static final String IMAGE_PREFIX = "natsbank/";

  private static Manifests minikube;

  private final List<ObjectNode> objects;

  Manifests(List<ObjectNode> objects) {
    this.objects = List.copyOf(objects);
  }

  static Manifests render(Path kustomization) {
    return new Manifests(Kustomize.render(kustomization));
  }

  /** The minikube overlay, rendered once per test run (the objects are only read). */
  static synchronized Manifests minikube() {
    if (minikube == null) {
      minikube = render(Project.minikubeOverlay());
    }
    return minikube;
  }

  List<ObjectNode> objects() {
    return objects;
  }

  List<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(object -> kind.equals(object.path("kind").asText())).toList();
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(object -> name.equals(name(object))).findFirst();
  }

  ObjectNode get(String kind, String name) {
    return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  /** The pod template's spec of a workload (Deployment, StatefulSet, Job). */
  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  /** The first container of a workload (every workload here has one). */
  static JsonNode container(JsonNode workload) {
    return podSpec(workload).path("containers").path(0);
  }

  /** Deployments and Jobs running one of this project's images, with the service the image holds. */
  Map<ObjectNode, String> serviceWorkloads() {
    Map<ObjectNode, String> workloads = new LinkedHashMap<>();
    for (ObjectNode object : objects) {
      String image = container(object).path("image").asText("");
      if (image.startsWith(IMAGE_PREFIX)) {
        workloads.put(object, service(image));
      }
    }
    return workloads;
  }

  /** natsbank/producer:0.1.0 -> producer. */
  static String service(String image) {
    String repository = image.substring(IMAGE_PREFIX.length());
    int colon = repository.indexOf(':');
    return colon < 0 ? repository : repository.substring(0, colon);
  }

  /** Names of the Deployments running {@code service}: the participants (NATSBANK_NAME is checked equal). */
  List<String> participants(String service) {
    return serviceWorkloads().entrySet().stream()
        .filter(entry -> "Deployment".equals(entry.getKey().path("kind").asText()) && service.equals(entry.getValue()))
        .map(entry -> name(entry.getKey()))
        .toList();
  }

  /**
   * The environment a container gets from its manifest: envFrom first, then env (which wins), every
   * ConfigMap and Secret reference resolved and fieldRef/resourceFieldRef left as a placeholder.
   */
  Map<String, String> environment(JsonNode container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (JsonNode source : container.path("envFrom")) {
      if (source.has("configMapRef")) {
        environment.putAll(configMapData(source.get("configMapRef").path("name").asText()));
      } else if (source.has("secretRef")) {
        environment.putAll(secretData(source.get("secretRef").path("name").asText()));
      } else {
        throw new AssertionError("unknown envFrom source " + source);
      }
    }
    for (JsonNode variable : container.path("env")) {
      environment.put(variable.path("name").asText(), value(variable));
    }
    return environment;
  }

  private String value(JsonNode variable) {
    if (variable.has("value")) {
      return variable.get("value").asText();
    }
    JsonNode from = variable.path("valueFrom");
    if (from.has("configMapKeyRef")) {
      return key(configMapData(from.get("configMapKeyRef").path("name").asText()), from.get("configMapKeyRef"));
    }
    if (from.has("secretKeyRef")) {
      return key(secretData(from.get("secretKeyRef").path("name").asText()), from.get("secretKeyRef"));
    }
    return "<" + from.fieldNames().next() + ">";
  }

  private static String key(Map<String, String> data, JsonNode reference) {
    String key = reference.path("key").asText();
    String value = data.get(key);
    if (value == null) {
      throw new AssertionError("no key " + key + " for " + reference);
    }
    return value;
  }

  Map<String, String> configMapData(String name) {
    Map<String, String> data = new LinkedHashMap<>();
    get("ConfigMap", name).path("data").properties().forEach(entry -> data.put(entry.getKey(), entry.getValue().asText()));
    return data;
  }

  Map<String, String> secretData(String name) {
    ObjectNode secret = get("Secret", name);
    Map<String, String> data = new LinkedHashMap<>();
    secret.path("data").properties().forEach(entry -> data.put(entry.getKey(),
        new String(Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8)));
    secret.path("stringData").properties().forEach(entry -> data.put(entry.getKey(), entry.getValue().asText()));
    return data;
  }

  /** The container port a probe or service port names (a number or a port name). */
  static int containerPort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode declared : container.path("ports")) {
      if (port.asText().equals(declared.path("name").asText())) {
        return declared.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + port.asText() + " in " + container.path("name"));
  }
}

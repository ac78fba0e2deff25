package io.natsbank.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads rendered objects into fabric8's Kubernetes model classes, refusing any field the API types do
 * not have. The model keeps unknown fields in "additionalProperties" instead of failing, so every
 * object read is walked and each such map must be empty: a misspelt or misplaced field
 * ({@code livenesProbe}, {@code resources} under the pod instead of the container) is caught here,
 * as the API server's strict field validation would.
 */
final class KubernetesTypes {
  /** apiVersion/kind -> model class; a kind missing here fails the check (add it when the manifests grow). */
  static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
      "v1/Namespace", Namespace.class,
      "v1/ConfigMap", ConfigMap.class,
      "v1/Secret", Secret.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "apps/v1/StatefulSet", StatefulSet.class,
      "batch/v1/Job", Job.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

  private KubernetesTypes() {}

  /** The object as its model class; throws naming every unknown field with its path. */
  static HasMetadata read(JsonNode object) {
    String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    Class<? extends HasMetadata> modelClass = TYPES.get(type);
    if (modelClass == null) {
      throw new IllegalArgumentException("unknown apiVersion/kind " + type + " (known: " + TYPES.keySet() + ")");
    }
    HasMetadata model;
    try {
      model = JSON.treeToValue(object, modelClass);
    } catch (Exception e) {
      throw new IllegalArgumentException(type + " " + Manifests.name(object) + " does not read as " + modelClass
          .getSimpleName() + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(model, object.path("kind").asText() + "/" + Manifests.name(object), unknown);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(type + " " + Manifests.name(object) + " has fields the API does not know: "
          + unknown);
    }
    return model;
  }

  private static void collectUnknownFields(Object value, String path, List<String> unknown) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> collection) {
      int index = 0;
      for (Object element : collection) {
        collectUnknownFields(element, path + "[" + index++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, element) -> collectUnknownFields(element, path + "." + key, unknown));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (!isGetter(getter)) {
        continue;
      }
      Object property = invoke(getter, value);
      if ("getAdditionalProperties".equals(getter.getName())) {
        if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(key -> unknown.add(path + "." + key));
        }
      } else {
        collectUnknownFields(property, path + "." + propertyName(getter), unknown);
      }
    }
  }

  private static boolean isGetter(Method method) {
    return method.getParameterCount() == 0
        && !Modifier.isStatic(method.getModifiers())
        && method.getDeclaringClass() != Object.class
        && method.getName().startsWith("get")
        && !"getClass".equals(method.getName());
  }

  private static String propertyName(Method getter) {
    String name = getter.getName().substring(3);
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }
}

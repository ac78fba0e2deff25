package io.natsbank.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered manifests are valid Kubernetes objects and have the shape the deployment needs: a
 * 3-node NATS cluster with JetStream, PostgreSQL, producer and consumer Deployments with probes, the
 * injector Job. (How they match the code is {@link ManifestsMatchCodeTest}.)
 */
class ManifestValidationTest {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private final Manifests manifests = Manifests.minikube();

  @ParameterizedTest
  @ValueSource(strings = {"deploy/k8s/base", "deploy/k8s/overlays/minikube"})
  void everyObjectIsAKnownKubernetesTypeWithoutUnknownFields(String kustomization) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode object : Manifests.render(Project.path(kustomization)).objects()) {
      try {
        KubernetesTypes.read(object);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theValidationCatchesMisspeltAndMisplacedFields() {
    ObjectNode deployment = manifests.get("Deployment", "bank-p1").deepCopy();
    ((ObjectNode) Manifests.container(deployment)).set("livenesProbe", Manifests.container(deployment)
        .get("livenessProbe"));
    ((ObjectNode) Manifests.podSpec(deployment)).put("replicas", 3);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> KubernetesTypes.read(deployment));
    assertTrue(refused.getMessage().contains("livenesProbe"), refused.getMessage());
    assertTrue(refused.getMessage().contains("spec.template.spec.replicas"), refused.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"deploy/k8s/base", "deploy/k8s/overlays/minikube"})
  void theJavaRendererAgreesWithKubectlKustomize(String kustomization) throws Exception {
    Assumptions.assumeTrue(Processes.onPath("kubectl"), "kubectl is not installed: the Java renderer alone is used");
    String rendered = run(List.of("kubectl", "kustomize", Project.path(kustomization).toString()));
    List<JsonNode> byKubectl = sorted(Kustomize.readDocuments(rendered));
    List<JsonNode> byJava = sorted(new ArrayList<>(Manifests.render(Project.path(kustomization)).objects()));
    assertEquals(byKubectl.size(), byJava.size(), "number of objects");
    for (int i = 0; i < byKubectl.size(); i++) {
      assertEquals(byKubectl.get(i), byJava.get(i), "object " + key(byKubectl.get(i)));
    }
  }

  @Test
  void everyNamespacedObjectIsInTheNamespace() {
    List<ObjectNode> namespaces = manifests.ofKind("Namespace");
    assertEquals(1, namespaces.size());
    String namespace = Manifests.name(namespaces.getFirst());
    for (ObjectNode object : manifests.objects()) {
      if (!"Namespace".equals(object.path("kind").asText())) {
        assertEquals(namespace, object.path("metadata").path("namespace").asText(), key(object));
      }
    }
  }

  @Test
  void natsIsAThreeNodeStatefulSetWithRoutesThroughAHeadlessService() {
    ObjectNode nats = manifests.get("StatefulSet", "nats");
    assertEquals(3, nats.path("spec").path("replicas").asInt());
    ObjectNode headless = manifests.get("Service", nats.path("spec").path("serviceName").asText());
    assertEquals("None", headless.path("spec").path("clusterIP").asText());
    assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean(),
        "the nodes must find each other before they are ready");
    assertSelects(headless.path("spec").path("selector"), nats);

    String config = natsConfig();
    int clusterPort = Integer.parseInt(setting(config, "port", "cluster"));
    List<String> routes = new ArrayList<>();
    Matcher route = Pattern.compile("nats://(\\S+):(\\d+)").matcher(block(config, "cluster"));
    while (route.find()) {
      routes.add(route.group(1) + ":" + route.group(2));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.add(Manifests.name(nats) + "-" + i + "." + Manifests.name(headless) + ":" + clusterPort);
    }
    assertEquals(expected, routes, "one route per node, by its stable name");
    assertEquals(clusterPort, Manifests.containerPort(Manifests.container(nats), textNode("cluster")));
  }

  @Test
  void natsRunsJetStreamWithFsyncOnEveryWriteOnAPersistentVolume() {
    String jetstream = block(natsConfig(), "jetstream");
    assertTrue(jetstream.lines().anyMatch(line -> line.strip().equals("sync_interval: always")), jetstream);
    String storeDirectory = setting(natsConfig(), "store_dir", "jetstream").replace("\"", "");
    ObjectNode nats = manifests.get("StatefulSet", "nats");
    String claim = nats.path("spec").path("volumeClaimTemplates").path(0).path("metadata").path("name").asText();
    assertEquals(storeDirectory, mountPath(Manifests.container(nats), claim));
  }

  @Test
  void natsProbesAskHealthzOnTheMonitoringPort() {
    ObjectNode nats = manifests.get("StatefulSet", "nats");
    JsonNode container = Manifests.container(nats);
    int monitorPort = Integer.parseInt(topLevelSetting(natsConfig(), "http_port"));
    assertEquals(8222, monitorPort);
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode get = container.path(probe).path("httpGet");
      assertTrue(get.path("path").asText().startsWith("/healthz"), probe + " " + get);
      assertEquals(monitorPort, Manifests.containerPort(container, get.path("port")), probe);
    }
  }

  @Test
  void natsEntersLameDuckModeBeforeItStopsAndHasTimeToFinish() {
    ObjectNode nats = manifests.get("StatefulSet", "nats");
    JsonNode container = Manifests.container(nats);
    List<String> preStop = texts(container.path("lifecycle").path("preStop").path("exec").path("command"));
    String pidFile = topLevelSetting(natsConfig(), "pid_file").replace("\"", "");
    assertEquals(List.of("nats-server", "--signal", "ldm=" + pidFile), preStop);
    assertEquals(Path.of(pidFile).getParent().toString(), mountPath(container, "pid"));
    long lameDuckSeconds = seconds(topLevelSetting(natsConfig(), "lame_duck_grace_period"))
        + seconds(topLevelSetting(natsConfig(), "lame_duck_duration"));
    long graceSeconds = Manifests.podSpec(nats).path("terminationGracePeriodSeconds").asLong();
    assertTrue(graceSeconds > lameDuckSeconds, "grace " + graceSeconds + " s <= lame duck " + lameDuckSeconds + " s");
  }

  @Test
  void natsKeepsAQuorumThroughDisruptions() {
    ObjectNode budget = manifests.get("PodDisruptionBudget", "nats");
    assertEquals(1, budget.path("spec").path("maxUnavailable").asInt());
    assertSelects(budget.path("spec").path("selector").path("matchLabels"), manifests.get("StatefulSet", "nats"));
  }

  @Test
  void theNatsConfigurationIsAcceptedByNatsServer() throws Exception {
    Assumptions.assumeTrue(Processes.onPath("nats-server"), "nats-server is not installed");
    String version = run(List.of("nats-server", "--version"));
    String config = natsConfig();
    Matcher minor = Pattern.compile("v2\\.(\\d+)\\.").matcher(version);
    Assumptions.assumeTrue(minor.find(), "unknown nats-server version " + version);
    if (Integer.parseInt(minor.group(1)) < 10) {
      // The cluster runs 2.11; an older local server does not know sync_interval: check the rest.
      config = config.lines().filter(line -> !line.contains("sync_interval")).reduce("", (a, b) -> a + b + "\n");
    }
    Path file = Files.createTempFile("nats", ".conf");
    try {
      Files.writeString(file, config);
      Processes.Result result = Processes.run(List.of("nats-server", "-c", file.toString(), "-t"),
          Map.of("PATH", System.getenv("PATH"), "POD_NAME", "nats-0"), null, COMMAND_TIMEOUT);
      assertEquals(0, result.exitCode(), result.output());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void postgresIsAStatefulSetThatCreatesTheDatabasesOnFirstStart() {
    ObjectNode postgres = manifests.get("StatefulSet", "postgres");
    JsonNode container = Manifests.container(postgres);
    String initVolume = volumeMountedAt(container, "/docker-entrypoint-initdb.d");
    JsonNode volume = volume(postgres, initVolume);
    String configMap = volume.path("configMap").path("name").asText();
    assertFalse(ManifestsMatchCodeTest.createdDatabases(manifests.configMapData(configMap)).isEmpty());
    String claim = postgres.path("spec").path("volumeClaimTemplates").path(0).path("metadata").path("name").asText();
    String dataDirectory = mountPath(container, claim);
    String pgdata = manifests.environment(container).get("PGDATA");
    assertTrue(pgdata.startsWith(dataDirectory + "/"), "PGDATA " + pgdata + " is a directory on the volume "
        + dataDirectory + " (not its root, which may hold lost+found)");
    assertTrue(container.has("readinessProbe") && container.has("livenessProbe"));
    ObjectNode service = manifests.get("Service", "postgres");
    assertSelects(service.path("spec").path("selector"), postgres);
  }

  @Test
  void everyParticipantRunsTwoProbedInstancesWithLimitsAndRollsWithoutLosingOne() {
    List<ObjectNode> deployments = manifests.ofKind("Deployment");
    assertEquals(4, deployments.size());
    for (ObjectNode deployment : deployments) {
      String name = Manifests.name(deployment);
      JsonNode spec = deployment.path("spec");
      assertEquals(2, spec.path("replicas").asInt(), name);
      assertEquals(0, spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(), name);
      JsonNode container = Manifests.container(deployment);
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        assertTrue(container.path(probe).has("httpGet"), name + " " + probe);
      }
      JsonNode resources = container.path("resources");
      for (String field : List.of("requests/cpu", "requests/memory", "limits/memory")) {
        assertFalse(resources.at("/" + field).isMissingNode(), name + " " + field);
      }
      assertTrue(Manifests.podSpec(deployment).path("terminationGracePeriodSeconds").asInt() >= 60, name);
      ObjectNode budget = manifests.get("PodDisruptionBudget", name);
      assertSelects(budget.path("spec").path("selector").path("matchLabels"), deployment);
      assertSelects(spec.path("selector").path("matchLabels"), deployment);
    }
  }

  @Test
  void theInjectorJobRunsOnceWhenResumed() {
    ObjectNode job = manifests.get("Job", "injector");
    assertTrue(job.path("spec").path("suspend").asBoolean(), "created suspended; resumed once all is ready");
    assertEquals(0, job.path("spec").path("backoffLimit").asInt(), "one run, one audit line");
    assertEquals("Never", Manifests.podSpec(job).path("restartPolicy").asText());
    assertEquals(List.of("job"), texts(Manifests.container(job).path("args")));
  }

  @Test
  void theMinikubeOverlayNeverPullsThisProjectsImages() {
    manifests.serviceWorkloads().keySet().forEach(workload ->
        assertEquals("Never", Manifests.container(workload).path("imagePullPolicy").asText(), key(workload)));
    Manifests base = Manifests.render(Project.base());
    base.serviceWorkloads().keySet().forEach(workload ->
        assertEquals("IfNotPresent", Manifests.container(workload).path("imagePullPolicy").asText(), key(workload)));
  }

  // --- helpers ---

  private String natsConfig() {
    return manifests.configMapData(volume(manifests.get("StatefulSet", "nats"), "config").path("configMap")
        .path("name").asText()).get("nats.conf");
  }

  /** The text between "name {" and its closing brace (blocks here are not nested). */
  static String block(String config, String name) {
    Matcher start = Pattern.compile("(?m)^\\s*" + name + "\\s*\\{").matcher(config);
    assertTrue(start.find(), "no " + name + " block");
    int end = config.indexOf("\n}", start.end());
    return config.substring(start.end(), end < 0 ? config.length() : end);
  }

  static String setting(String config, String key, String blockName) {
    return value(block(config, blockName), key);
  }

  static String topLevelSetting(String config, String key) {
    return value(config.replaceAll("(?s)\\n\\s*\\w+\\s*\\{.*?\\n}", "\n"), key);
  }

  private static String value(String text, String key) {
    Matcher matcher = Pattern.compile("(?m)^\\s*" + key + "\\s*[:=]\\s*(\\S+)\\s*$").matcher(text);
    assertTrue(matcher.find(), "no " + key + " in " + text);
    return matcher.group(1);
  }

  private static long seconds(String duration) {
    Matcher matcher = Pattern.compile("(\\d+)([sm])").matcher(duration);
    assertTrue(matcher.matches(), duration);
    return Long.parseLong(matcher.group(1)) * ("m".equals(matcher.group(2)) ? 60 : 1);
  }

  static void assertSelects(JsonNode selector, JsonNode workload) {
    JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
    assertFalse(selector.isEmpty(), "empty selector");
    selector.properties().forEach(entry -> assertEquals(entry.getValue(), labels.get(entry.getKey()),
        "selector " + entry.getKey() + " of " + key(workload)));
  }

  static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (volume.equals(mount.path("name").asText())) {
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError("volume " + volume + " is not mounted");
  }

  private static String volumeMountedAt(JsonNode container, String path) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (path.equals(mount.path("mountPath").asText())) {
        return mount.path("name").asText();
      }
    }
    throw new AssertionError("nothing mounted at " + path);
  }

  private static JsonNode volume(JsonNode workload, String name) {
    for (JsonNode volume : Manifests.podSpec(workload).path("volumes")) {
      if (name.equals(volume.path("name").asText())) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(element -> texts.add(element.asText()));
    return texts;
  }

  private static JsonNode textNode(String text) {
    return TextNode.valueOf(text);
  }

  static String key(JsonNode object) {
    return object.path("kind").asText() + "/" + Manifests.name(object);
  }

  private static List<JsonNode> sorted(List<JsonNode> objects) {
    objects.sort(Comparator.comparing(ManifestValidationTest::key));
    return objects;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Processes.Result result = Processes.run(command, COMMAND_TIMEOUT);
    assertEquals(0, result.exitCode(), command + " failed: " + result.output());
    return result.output();
  }
}

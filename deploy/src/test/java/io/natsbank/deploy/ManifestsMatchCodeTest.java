package io.natsbank.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.config.DatabaseOptions;
import io.natsbank.config.HealthOptions;
import io.natsbank.config.ServiceCommand;
import io.natsbank.injector.ParticipantDatabases;
import io.natsbank.protocol.Names;
import io.natsbank.runtime.HealthServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The manifests and the Dockerfiles against the code: the configuration variables are the ones the
 * code reads, the addresses point at the cluster's services, the probes at the health server, the
 * images at the Dockerfiles and the modules' jars, and the participants at their databases.
 */
class ManifestsMatchCodeTest {
  /** Variables without which a container must not start: its identity and its peers. */
  private static final Map<String, List<String>> REQUIRED = Map.of(
      "producer", List.of("NATSBANK_NAME", "NATSBANK_CONSUMERS"),
      "consumer", List.of("NATSBANK_NAME", "NATSBANK_PRODUCERS"),
      "injector", List.of("NATSBANK_PRODUCERS", "NATSBANK_CONSUMERS"));
  private static final Pattern CREATE_DATABASE = Pattern.compile("(?im)^\\s*CREATE\\s+DATABASE\\s+(\\w+)\\s*;\\s*$");
  private static final Pattern JDBC_ADDRESS = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.*)");
  private static final Pattern NATS_ADDRESS = Pattern.compile("nats://([^:/]+):(\\d+)");

  private final Manifests manifests = Manifests.minikube();

  @Test
  void everyVariableAContainerIsGivenIsOneItsServiceReads() {
    List<String> unread = new ArrayList<>();
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Set<String> read = CodeModel.variables(service).keySet();
      for (String name : manifests.environment(Manifests.container(workload)).keySet()) {
        if (name.startsWith("NATSBANK_") && !read.contains(name)) {
          unread.add(ManifestValidationTest.key(workload) + " (" + service + "): " + name);
        }
      }
    });
    assertEquals(List.of(), unread, "variables set in the manifests that the code never reads");
  }

  @Test
  void everyContainerIsGivenWhatItRequiresAndNoLocalDefaultIsLeftStanding() {
    List<String> missing = new ArrayList<>();
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Map<String, String> environment = manifests.environment(Manifests.container(workload));
      for (String name : REQUIRED.get(service)) {
        if (environment.getOrDefault(name, "").isBlank()) {
          missing.add(ManifestValidationTest.key(workload) + ": " + name + " (required)");
        }
      }
      // A default that means "this machine" is wrong in a pod: NATS and PostgreSQL are elsewhere.
      CodeModel.variables(service).values().forEach(variable -> {
        boolean local = variable.fallback() != null
            && (variable.fallback().contains("127.0.0.1") || variable.fallback().contains("localhost"));
        boolean overridden = environment.containsKey(variable.name())
            || ("NATSBANK_DB_URL_TEMPLATE".equals(variable.name()) && environment.containsKey("NATSBANK_DB_URL"));
        if (local && !overridden) {
          missing.add(ManifestValidationTest.key(workload) + ": " + variable.name() + " (defaults to "
              + variable.fallback() + ")");
        }
      });
    });
    assertEquals(List.of(), missing);
  }

  @Test
  void passwordsComeFromSecrets() {
    manifests.serviceWorkloads().keySet().forEach(workload -> {
      JsonNode password = envEntry(Manifests.container(workload), "NATSBANK_DB_PASSWORD");
      assertNotNull(password, ManifestValidationTest.key(workload) + " has no NATSBANK_DB_PASSWORD");
      assertTrue(password.path("valueFrom").has("secretKeyRef"), ManifestValidationTest.key(workload));
    });
    JsonNode postgres = Manifests.container(manifests.get("StatefulSet", "postgres"));
    JsonNode serverPassword = envEntry(postgres, "POSTGRES_PASSWORD").path("valueFrom").path("secretKeyRef");
    JsonNode clientPassword = envEntry(Manifests.container(manifests.get("Deployment", "bank-p1")),
        "NATSBANK_DB_PASSWORD").path("valueFrom").path("secretKeyRef");
    assertEquals(serverPassword, clientPassword, "the services log in with the server's password");
    assertEquals(manifests.environment(postgres).get("POSTGRES_USER"),
        manifests.environment(Manifests.container(manifests.get("Deployment", "bank-p1"))).get("NATSBANK_DB_USER"));
  }

  @Test
  void everyValueParsesAsItsServiceExpectsIt() {
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Map<String, String> environment = manifests.environment(Manifests.container(workload));
      environment.forEach((name, value) -> {
        if (name.endsWith("_MILLIS") || name.endsWith("_MAX") || name.endsWith("_PORT") || name.endsWith("_SECONDS")
            || name.equals("NATSBANK_WORKERS") || name.equals("NATSBANK_TRANSFERS") || name.equals("NATSBANK_ACCOUNTS")
            || name.equals("NATSBANK_CONCURRENCY")) {
          assertTrue(value.matches("\\d+"), ManifestValidationTest.key(workload) + ": " + name + "=" + value);
        }
      });
      for (String list : List.of("NATSBANK_PRODUCERS", "NATSBANK_CONSUMERS")) {
        if (environment.containsKey(list)) {
          ServiceCommand.list(environment.get(list)).forEach(name -> Names.participant(list, name));
        }
      }
    });
  }

  @Test
  void theParticipantsAgreeEverywhereAndEachHasItsDatabase() {
    List<String> producers = manifests.participants("producer");
    List<String> consumers = manifests.participants("consumer");
    assertEquals(List.of("bank-p1", "bank-p2"), producers);
    assertEquals(List.of("bank-c1", "bank-c2"), consumers);
    for (String name : concat(producers, consumers)) {
      Names.participant("deployment", name);
      assertEquals(name, manifests.environment(Manifests.container(manifests.get("Deployment", name)))
          .get("NATSBANK_NAME"), "NATSBANK_NAME of deployment " + name);
    }
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Map<String, String> environment = manifests.environment(Manifests.container(workload));
      if (environment.containsKey("NATSBANK_PRODUCERS")) {
        assertEquals(Set.copyOf(producers), ServiceCommand.list(environment.get("NATSBANK_PRODUCERS")),
            ManifestValidationTest.key(workload));
      }
      if (environment.containsKey("NATSBANK_CONSUMERS")) {
        assertEquals(Set.copyOf(consumers), ServiceCommand.list(environment.get("NATSBANK_CONSUMERS")),
            ManifestValidationTest.key(workload));
      }
    });

    Set<String> expected = new TreeSet<>();
    concat(producers, consumers).forEach(name -> expected.add(DatabaseOptions.databaseName(name)));
    String injectorDatabase = manifests.environment(Manifests.container(manifests.get("Job", "injector")))
        .getOrDefault("NATSBANK_INJECTOR_DATABASE", ParticipantDatabases.DEFAULT_INJECTOR_DATABASE);
    expected.add(injectorDatabase);
    assertEquals(expected, new TreeSet<>(createdDatabases(manifests.configMapData("postgres-init"))),
        "postgres-init creates one database per participant and the injector's");
  }

  @Test
  void theAddressesNameTheClustersServicesAndPorts() {
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Map<String, String> environment = manifests.environment(Manifests.container(workload));
      for (String server : environment.get("NATSBANK_NATS_URL").split(",")) {
        Matcher nats = NATS_ADDRESS.matcher(server.strip());
        assertTrue(nats.matches(), server);
        assertServiceReaches(nats.group(1), Integer.parseInt(nats.group(2)), "StatefulSet", "nats");
      }
      Matcher jdbc = JDBC_ADDRESS.matcher(environment.get("NATSBANK_DB_URL_TEMPLATE"));
      assertTrue(jdbc.matches(), environment.get("NATSBANK_DB_URL_TEMPLATE"));
      assertEquals(ParticipantDatabases.PLACEHOLDER, jdbc.group(3), "the database is the participant's own");
      assertServiceReaches(jdbc.group(1), Integer.parseInt(jdbc.group(2)), "StatefulSet", "postgres");
    });
  }

  @Test
  void theServicesWaitForTheirDatabaseServerWhereTheyWillFindIt() {
    ObjectNode postgres = manifests.get("StatefulSet", "postgres");
    for (String participant : concat(manifests.participants("producer"), manifests.participants("consumer"))) {
      ObjectNode deployment = manifests.get("Deployment", participant);
      JsonNode wait = Manifests.podSpec(deployment).path("initContainers").path(0);
      assertEquals("wait-for-postgres", wait.path("name").asText(), participant);
      assertEquals(Manifests.container(postgres).path("image").asText(), wait.path("image").asText(),
          participant + ": the server's own image, already pulled for it");
      Matcher waitsFor = Pattern.compile("pg_isready -q -h (\\S+) -p (\\d+)")
          .matcher(ManifestValidationTest.texts(wait.path("command")).getLast());
      assertTrue(waitsFor.find(), participant + " " + wait.path("command"));
      Matcher jdbc = JDBC_ADDRESS.matcher(manifests.environment(Manifests.container(deployment))
          .get("NATSBANK_DB_URL_TEMPLATE"));
      assertTrue(jdbc.matches());
      assertEquals(jdbc.group(1) + ":" + jdbc.group(2), waitsFor.group(1) + ":" + waitsFor.group(2), participant);
    }
  }

  @Test
  void theProbesAskTheHealthServerOnTheConfiguredPort() throws IOException {
    for (String participant : concat(manifests.participants("producer"), manifests.participants("consumer"))) {
      ObjectNode deployment = manifests.get("Deployment", participant);
      JsonNode container = Manifests.container(deployment);
      String service = Manifests.service(container.path("image").asText());
      int healthPort = Integer.parseInt(manifests.environment(container).get("NATSBANK_HEALTH_PORT"));
      assertEquals(HealthOptions.CONTAINER_PORT, healthPort, participant);
      JsonNode liveness = container.path("livenessProbe").path("httpGet");
      JsonNode readiness = container.path("readinessProbe").path("httpGet");
      assertEquals(HealthServer.LIVE_PATH, liveness.path("path").asText(), participant);
      assertEquals(HealthServer.READY_PATH, readiness.path("path").asText(), participant);
      assertEquals(healthPort, Manifests.containerPort(container, liveness.path("port")), participant);
      assertEquals(healthPort, Manifests.containerPort(container, readiness.path("port")), participant);
      Dockerfile dockerfile = Dockerfile.read(Project.dockerfile(service));
      assertEquals(Integer.toString(healthPort), dockerfile.environment().get("NATSBANK_HEALTH_PORT"), service);
      assertEquals(List.of(healthPort), dockerfile.exposedPorts(), service);
    }
  }

  @Test
  void everyImageIsBuiltByItsDockerfileFromItsModulesJar() throws IOException {
    List<String> rootModules = modules(Files.readString(Project.path("pom.xml")));
    Set<String> images = new LinkedHashSet<>();
    manifests.serviceWorkloads().forEach((workload, service) -> {
      images.add(Manifests.container(workload).path("image").asText());
      assertTrue(Files.isRegularFile(Project.dockerfile(service)), "docker/" + service + "/Dockerfile");
    });
    assertEquals(Set.of("natsbank/producer:0.1.0", "natsbank/consumer:0.1.0", "natsbank/injector:0.1.0"), images);
    for (String service : List.of("producer", "consumer", "injector")) {
      Dockerfile dockerfile = Dockerfile.read(Project.dockerfile(service));
      assertEquals(List.of("maven:3.9-eclipse-temurin-21", "eclipse-temurin:21-jre"), dockerfile.stages(), service);
      String jar = "nats-bank-" + service + ".jar";
      assertTrue(Files.readString(Project.path(service + "/pom.xml")).contains("/" + jar + "</outputFile>"),
          service + "/pom.xml shades into " + jar);
      Dockerfile.Copy copy = dockerfile.copyTo("/app/" + jar);
      assertEquals("/src/" + service + "/target/" + jar, copy.source(), service);
      assertNotNull(copy.from(), service + ": the jar comes from the build stage");
      List<String> copiedPoms = new ArrayList<>();
      String text = Files.readString(Project.dockerfile(service));
      Matcher pom = Pattern.compile("(?m)^COPY (\\w+)/pom.xml \\1/$").matcher(text);
      while (pom.find()) {
        copiedPoms.add(pom.group(1));
      }
      assertEquals(rootModules, copiedPoms, service + ": Maven needs every module's pom");
      for (String module : List.of("common", service)) {
        assertTrue(text.contains("COPY " + module + "/src " + module + "/src"), service + " builds " + module);
      }
      assertTrue(text.contains("-pl " + service + " -am"), service + " builds its own module");
    }
  }

  @Test
  void theImagesRunAsTheNonRootUserThePodsExpect() {
    manifests.serviceWorkloads().forEach((workload, service) -> {
      Dockerfile dockerfile = Dockerfile.read(Project.dockerfile(service));
      assertTrue(dockerfile.userId() > 0, service + " runs as root");
      JsonNode security = Manifests.podSpec(workload).path("securityContext");
      assertTrue(security.path("runAsNonRoot").asBoolean(), ManifestValidationTest.key(workload));
      assertEquals(dockerfile.userId(), security.path("runAsUser").asInt(), ManifestValidationTest.key(workload));
    });
  }

  @Test
  void theServiceEntrypointsShareTheirJvmFlagsWithTheInjectorScript() throws IOException {
    List<String> producer = Dockerfile.read(Project.dockerfile("producer")).entrypoint();
    List<String> consumer = Dockerfile.read(Project.dockerfile("consumer")).entrypoint();
    List<String> flags = jvmFlags(producer);
    assertEquals(flags, jvmFlags(consumer));
    assertTrue(flags.stream().anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage=")), "heap follows the limit");
    assertEquals("java", producer.getFirst());
    assertEquals(List.of("-jar", "/app/nats-bank-producer.jar"), producer.subList(producer.size() - 2, producer.size()));
    Matcher scriptFlags = Pattern.compile("(?m)^JAVA_FLAGS=\"([^\"]*)\"$")
        .matcher(Files.readString(Project.path("docker/injector/injector.sh")));
    assertTrue(scriptFlags.find());
    assertEquals(flags, List.of(scriptFlags.group(1).split(" ")));
    Dockerfile injector = Dockerfile.read(Project.dockerfile("injector"));
    assertEquals(List.of("sh", "/app/injector.sh"), injector.entrypoint());
    assertEquals("docker/injector/injector.sh", injector.copyTo("/app/injector.sh").source());
  }

  @Test
  void theMinikubeScriptBuildsTheImagesTheManifestsRun() throws IOException {
    String script = Files.readString(Project.path("scripts/minikube.sh"));
    Matcher tag = Pattern.compile("(?m)^IMAGE_TAG=(\\S+)$").matcher(script);
    assertTrue(tag.find());
    Matcher services = Pattern.compile("(?m)^SERVICES=\\(([^)]*)\\)$").matcher(script);
    assertTrue(services.find());
    Set<String> built = new TreeSet<>();
    for (String service : services.group(1).split(" ")) {
      built.add(Manifests.IMAGE_PREFIX + service + ":" + tag.group(1));
    }
    Set<String> run = new TreeSet<>();
    manifests.serviceWorkloads().keySet().forEach(workload -> run.add(Manifests.container(workload).path("image")
        .asText()));
    assertEquals(built, run);
    assertTrue(script.contains("OVERLAY=deploy/k8s/overlays/minikube"));
    assertTrue(script.contains("NAMESPACE=" + Manifests.name(manifests.ofKind("Namespace").getFirst())));
  }

  // --- helpers ---

  static List<String> createdDatabases(Map<String, String> initScripts) {
    List<String> databases = new ArrayList<>();
    initScripts.forEach((file, sql) -> {
      assertTrue(file.endsWith(".sql"), file);
      for (String line : sql.lines().toList()) {
        String statement = line.strip();
        if (statement.isEmpty() || statement.startsWith("--")) {
          continue;
        }
        Matcher create = CREATE_DATABASE.matcher(statement);
        assertTrue(create.matches(), "only CREATE DATABASE here, one per line: " + statement);
        databases.add(create.group(1));
      }
    });
    assertEquals(databases.size(), Set.copyOf(databases).size(), "a database created twice: " + databases);
    return databases;
  }

  private void assertServiceReaches(String host, int port, String kind, String workloadName) {
    ObjectNode service = manifests.get("Service", host);
    ObjectNode workload = manifests.get(kind, workloadName);
    ManifestValidationTest.assertSelects(service.path("spec").path("selector"), workload);
    JsonNode servicePort = null;
    for (JsonNode candidate : service.path("spec").path("ports")) {
      if (candidate.path("port").asInt() == port) {
        servicePort = candidate;
      }
    }
    assertNotNull(servicePort, "Service " + host + " has no port " + port);
    JsonNode target = servicePort.has("targetPort") ? servicePort.get("targetPort") : servicePort.get("port");
    assertEquals(port, Manifests.containerPort(Manifests.container(workload), target), host + ":" + port);
  }

  private static JsonNode envEntry(JsonNode container, String name) {
    for (JsonNode variable : container.path("env")) {
      if (name.equals(variable.path("name").asText())) {
        return variable;
      }
    }
    return null;
  }

  private static List<String> jvmFlags(List<String> entrypoint) {
    int jar = entrypoint.indexOf("-jar");
    assertFalse(jar < 0, "exec java ... -jar: " + entrypoint);
    return entrypoint.subList(1, jar);
  }

  private static List<String> modules(String pom) {
    List<String> modules = new ArrayList<>();
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    while (module.find()) {
      modules.add(module.group(1));
    }
    return modules;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}

package io.natsbank.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.config.DatabaseOptions;
import io.natsbank.store.pg.Database;
import io.natsbank.store.pg.DatabaseSettings;
import io.natsbank.testing.TestDatabases;
import io.natsbank.testing.TestNats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts every participant's service jar as its container would: the command of its Dockerfile's
 * ENTRYPOINT (the same JVM flags), the environment of its Dockerfile and its manifest (ConfigMaps and
 * Secrets resolved), and nothing else inherited. Only what points outside the pod is changed: NATS
 * and PostgreSQL are the test's own (a nats-server on a free port, fresh databases on the local
 * server, so the services migrate empty databases as they do on a new cluster), and each process
 * gets a free health port since they share one machine. Then: each turns ready; losing NATS turns all
 * unready and they recover on their own; losing one database turns only its participant unready;
 * SIGTERM stops each gracefully within the manifest's grace period.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ContainerEntrypointTest {
  private static final Duration READY_WAIT = Duration.ofSeconds(120);
  private static final Duration TRANSITION_WAIT = Duration.ofSeconds(45);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Pattern JDBC_HOST_PORT = Pattern.compile("jdbc:postgresql://([^/]+)/.*");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One service process and what the test needs to reach it. */
  private record Instance(String participant, String service, Process process, int healthPort, Path log,
      String database, long gracePeriodSeconds) {}

  @Test
  void eachServiceStartsAsItsContainerAndFollowsNatsAndItsDatabase() throws Exception {
    Manifests manifests = Manifests.minikube();
    DatabaseSettings admin = TestDatabases.adminSettings(System.getenv());
    String prefix = ("nbtest_" + Long.toString(System.currentTimeMillis(), 36) + "_"
        + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36) + "_").toLowerCase(Locale.ROOT);
    Path logs = Project.path("deploy/target/entrypoint-logs");
    Files.createDirectories(logs);
    List<Instance> instances = new ArrayList<>();
    try (TestNats nats = TestNats.start()) {
      try {
        for (String participant : participants(manifests)) {
          instances.add(start(manifests, participant, nats, admin, prefix, logs));
        }
        for (Instance instance : instances) {
          awaitHealth(instance, 200, "UP", READY_WAIT);
          assertEquals(200, get(instance, "/health/live").statusCode(), instance.participant());
          assertTrue(Files.readString(instance.log()).contains(instance.participant() + " started: "),
              instance.participant() + " logged its start");
        }

        nats.kill();
        for (Instance instance : instances) {
          assertTrue(awaitHealth(instance, 503, "\"nats\":\"down\"", TRANSITION_WAIT).contains("subscriptions"));
          assertEquals(200, get(instance, "/health/live").statusCode(), "NATS away is no reason to restart");
        }
        nats.startProcess();
        for (Instance instance : instances) {
          awaitHealth(instance, 200, "UP", TRANSITION_WAIT);
        }

        Instance cut = instances.getFirst();
        setConnectionsAllowed(admin, cut.database(), false);
        try {
          String down = awaitHealth(cut, 503, "database not up", body -> body.contains("\"database\":")
              && !body.contains("\"database\":\"up\"") && body.contains("\"nats\":\"up\""), TRANSITION_WAIT);
          assertTrue(down.contains("DOWN"), down);
          for (Instance other : instances.subList(1, instances.size())) {
            assertEquals(200, get(other, "/health/ready").statusCode(), other.participant() + " has its own database");
          }
        } finally {
          setConnectionsAllowed(admin, cut.database(), true);
        }
        awaitHealth(cut, 200, "UP", TRANSITION_WAIT);

        for (Instance instance : instances) {
          instance.process().destroy();
        }
        for (Instance instance : instances) {
          assertTrue(instance.process().waitFor(instance.gracePeriodSeconds(), TimeUnit.SECONDS),
              instance.participant() + " stopped within its grace period of " + instance.gracePeriodSeconds() + " s");
          assertTrue(Files.readString(instance.log()).contains(instance.service() + " " + instance.participant()
              + " stopped"), instance.participant() + " closed gracefully:\n" + tail(instance.log()));
        }
      } finally {
        for (Instance instance : instances) {
          instance.process().destroyForcibly();
          instance.process().waitFor(10, TimeUnit.SECONDS);
        }
        for (Instance instance : instances) {
          Database.dropDatabaseIfExists(admin.jdbcUrl(), admin.user(), admin.password(), instance.database());
        }
      }
    }
  }

  private static List<String> participants(Manifests manifests) {
    List<String> participants = new ArrayList<>(manifests.participants("consumer"));
    participants.addAll(manifests.participants("producer"));
    return participants;
  }

  private static Instance start(Manifests manifests, String participant, TestNats nats, DatabaseSettings admin,
      String prefix, Path logs) throws IOException {
    ObjectNode deployment = manifests.get("Deployment", participant);
    JsonNode container = Manifests.container(deployment);
    String service = Manifests.service(container.path("image").asText());
    Dockerfile dockerfile = Dockerfile.read(Project.dockerfile(service));

    // The container's environment: the image's ENV, then the manifest's (which wins), nothing inherited.
    Map<String, String> environment = new LinkedHashMap<>(dockerfile.environment());
    environment.putAll(manifests.environment(container));
    environment.put("PATH", System.getenv("PATH"));
    // What points outside the pod, pointed at this machine.
    String database = prefix + DatabaseOptions.databaseName(participant);
    Database.createDatabaseIfAbsent(admin.jdbcUrl(), admin.user(), admin.password(), database);
    environment.put("NATSBANK_NATS_URL", nats.url());
    environment.put("NATSBANK_DB_URL_TEMPLATE", localTemplate(environment.get("NATSBANK_DB_URL_TEMPLATE"), admin,
        prefix));
    environment.put("NATSBANK_DB_USER", admin.user());
    environment.put("NATSBANK_DB_PASSWORD", admin.password());
    int healthPort = freePort();
    environment.put("NATSBANK_HEALTH_PORT", Integer.toString(healthPort));

    List<String> command = entrypointCommand(dockerfile, service);
    Path log = logs.resolve(participant + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    long grace = Manifests.podSpec(deployment).path("terminationGracePeriodSeconds").asLong(30);
    return new Instance(participant, service, builder.start(), healthPort, log, database, grace);
  }

  /** The Dockerfile's exec-form ENTRYPOINT, with this JVM's java and the jar the module built. */
  static List<String> entrypointCommand(Dockerfile dockerfile, String service) {
    List<String> command = new ArrayList<>(dockerfile.entrypoint());
    assertEquals("java", command.getFirst(), "the entrypoint runs java itself (PID 1 gets SIGTERM)");
    command.set(0, ProcessHandle.current().info().command().orElse("java"));
    String jar = "/app/nats-bank-" + service + ".jar";
    assertEquals(jar, command.getLast());
    Path built = Project.serviceJar(service);
    assertTrue(Files.isRegularFile(built), built + " is built by the " + service + " module's package phase "
        + "(run mvn verify, not mvn test)");
    for (String module : List.of("common", service)) {
      Path classes = Project.path(module + "/target/classes");
      assertTrue(newestModification(classes) <= modification(built), built + " is older than " + classes
          + ": it would test stale code (run mvn verify, not mvn test)");
    }
    command.set(command.size() - 1, built.toString());
    return command;
  }

  private static long newestModification(Path directory) {
    try (var files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(ContainerEntrypointTest::modification).max().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long modification(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** jdbc:postgresql://postgres:5432/{db} -> jdbc:postgresql://<local server>/<prefix>{db}. */
  private static String localTemplate(String template, DatabaseSettings admin, String prefix) {
    Matcher local = JDBC_HOST_PORT.matcher(admin.jdbcUrl());
    assertTrue(local.matches(), admin.jdbcUrl());
    Matcher manifest = Pattern.compile("jdbc:postgresql://[^/]+/\\{db}").matcher(template);
    assertTrue(manifest.matches(), "template " + template);
    return "jdbc:postgresql://" + local.group(1) + "/" + prefix + "{db}";
  }

  /** Refuses (or allows again) new connections to a database and ends the ones it has: the database is gone. */
  private static void setConnectionsAllowed(DatabaseSettings admin, String database, boolean allowed)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(30);
      statement.execute("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS " + allowed);
      if (!allowed) {
        try (PreparedStatement terminate = connection.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
          terminate.setQueryTimeout(30);
          terminate.setString(1, database);
          terminate.execute();
        }
      }
    }
  }

  /** Polls /health/ready until it answers {@code status} with {@code bodyPart} in its body; returns the body. */
  private String awaitHealth(Instance instance, int status, String bodyPart, Duration timeout)
      throws IOException, InterruptedException {
    return awaitHealth(instance, status, bodyPart, body -> body.contains(bodyPart), timeout);
  }

  private String awaitHealth(Instance instance, int status, String what, Predicate<String> body, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() - deadline < 0) {
      if (!instance.process().isAlive()) {
        throw new AssertionError(instance.participant() + " exited with " + instance.process().exitValue() + ":\n"
            + tail(instance.log()));
      }
      HttpResponse<String> response = tryGet(instance, "/health/ready");
      if (response != null) {
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == status && body.test(response.body())) {
          return response.body();
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError(instance.participant() + ": /health/ready never answered " + status + " with "
        + what + " within " + timeout + "; last: " + last + "\n" + tail(instance.log()));
  }

  /** One answer from {@code path}, retried for a bounded time: a loaded machine may miss one 2 s request. */
  private HttpResponse<String> get(Instance instance, String path) throws InterruptedException {
    long deadline = System.nanoTime() + TRANSITION_WAIT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      HttpResponse<String> response = tryGet(instance, path);
      if (response != null) {
        return response;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError(instance.participant() + " does not answer " + path + " within " + TRANSITION_WAIT);
  }

  private HttpResponse<String> tryGet(Instance instance, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.healthPort() + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

}

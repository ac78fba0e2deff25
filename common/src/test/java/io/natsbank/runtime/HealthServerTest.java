package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.runtime.HealthServer.Check;
import io.natsbank.runtime.HealthServer.Settings;
import io.natsbank.runtime.HealthServer.State;
import io.natsbank.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private static final Settings FAST = new Settings(0, Duration.ofMillis(50), Duration.ofMillis(300));
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Answers come from a cache: far below any check timeout, even when a check hangs. */
  private static final Duration ANSWER_MAX = Duration.ofMillis(250);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final CountDownLatch released = new CountDownLatch(1);
  private HealthServer health;

  @AfterEach
  void stop() {
    released.countDown();
    if (health != null) {
      health.close();
    }
  }

  @Test
  void liveAtOnceAndStartingUntilChecksAreWatched() {
    health = HealthServer.start("test", FAST);
    assertEquals(200, get(HealthServer.LIVE_PATH).statusCode());
    HttpResponse<String> ready = get(HealthServer.READY_PATH);
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("\"STARTING\""), ready.body());
    assertEquals("application/json", ready.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void readyWhileEveryCheckPassesAndUnreadyAsSoonAsOneFails() {
    AtomicBoolean nats = new AtomicBoolean(true);
    AtomicBoolean database = new AtomicBoolean(true);
    health = HealthServer.start("test", FAST);
    health.watch(List.of(new Check("nats", nats::get), new Check("database", database::get)));
    awaitStatus(200);

    database.set(false);
    HttpResponse<String> down = awaitStatus(503);
    assertTrue(down.body().contains("\"database\":\"down\""), down.body());
    assertTrue(down.body().contains("\"nats\":\"up\""), down.body());
    assertEquals(State.DOWN, health.readiness().state());

    database.set(true);
    awaitStatus(200);
    nats.set(false);
    assertTrue(awaitStatus(503).body().contains("\"nats\":\"down\""));
    nats.set(true);
    awaitStatus(200);
    assertEquals(200, get(HealthServer.LIVE_PATH).statusCode(), "liveness never depends on the checks");
  }

  @Test
  void aHangingCheckTimesOutAndAnswersStayFast() throws InterruptedException {
    AtomicBoolean hang = new AtomicBoolean(false);
    AtomicInteger started = new AtomicInteger();
    health = HealthServer.start("test", FAST);
    health.watch(List.of(new Check("database", () -> {
      started.incrementAndGet();
      if (hang.get()) {
        await(released);
      }
      return true;
    })));
    awaitStatus(200);

    hang.set(true);
    HttpResponse<String> down = awaitStatus(503);
    assertTrue(down.body().contains("\"database\":\"timeout\""), down.body());
    for (int i = 0; i < 5; i++) {
      long startNanos = System.nanoTime();
      assertEquals(503, get(HealthServer.READY_PATH).statusCode());
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      assertTrue(took.compareTo(ANSWER_MAX) < 0, "readiness answered in " + took);
    }
    int whileHanging = started.get();
    Thread.sleep(FAST.refreshInterval().multipliedBy(6));
    assertEquals(whileHanging, started.get(), "a hung check is not started again while its run is in progress");

    hang.set(false);
    released.countDown();
    awaitStatus(200);
  }

  @Test
  void aThrowingCheckCountsAsFailed() {
    health = HealthServer.start("test", FAST);
    health.watch(List.of(new Check("nats", () -> true), new Check("database", () -> {
      throw new IllegalStateException("connection refused");
    })));
    Await.until("the failing check reported", WAIT, () -> get(HealthServer.READY_PATH).body().contains("DOWN"));
    HttpResponse<String> down = get(HealthServer.READY_PATH);
    assertEquals(503, down.statusCode());
    assertTrue(down.body().contains("connection refused"), down.body());
    assertTrue(down.body().contains("\"nats\":\"up\""), down.body());
  }

  @Test
  void stoppingTurnsUnreadyButStaysLive() {
    health = HealthServer.start("test", FAST);
    health.watch(List.of(new Check("nats", () -> true)));
    awaitStatus(200);
    health.stopping();
    HttpResponse<String> ready = get(HealthServer.READY_PATH);
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("\"STOPPING\""), ready.body());
    assertEquals(200, get(HealthServer.LIVE_PATH).statusCode());
  }

  @Test
  void onlyTheTwoPathsAndOnlyGetOrHead() throws IOException, InterruptedException {
    health = HealthServer.start("test", FAST);
    assertEquals(404, get("/health").statusCode());
    assertEquals(404, get("/health/livez").statusCode());
    assertEquals(404, get("/").statusCode());
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri(HealthServer.LIVE_PATH))
        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri(HealthServer.LIVE_PATH))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
  }

  @Test
  void closingStopsAnswering() {
    health = HealthServer.start("test", FAST);
    URI live = uri(HealthServer.LIVE_PATH);
    health.close();
    assertThrows(ConnectException.class, () -> client.send(HttpRequest.newBuilder(live).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void serveMarksStoppingClosesTheServiceThenTheServer() throws Exception {
    int port = freePort();
    Settings settings = new Settings(port, FAST.refreshInterval(), FAST.checkTimeout());
    AtomicInteger readyDuringClose = new AtomicInteger();
    AtomicInteger liveDuringClose = new AtomicInteger();
    AutoCloseable running = HealthServer.serve(Optional.of(settings), "test", () -> (AutoCloseable) () -> {
      readyDuringClose.set(get(port, HealthServer.READY_PATH).statusCode());
      liveDuringClose.set(get(port, HealthServer.LIVE_PATH).statusCode());
    }, service -> List.of(new Check("nats", () -> true)));
    Await.until("ready through serve()", WAIT, () -> get(port, HealthServer.READY_PATH).statusCode() == 200);

    running.close();
    assertEquals(503, readyDuringClose.get(), "unready while the service finishes its batches");
    assertEquals(200, liveDuringClose.get(), "still live while the service finishes its batches");
    assertThrows(ConnectException.class, () -> client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + HealthServer.LIVE_PATH)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void serveWithoutSettingsStartsOnlyTheService() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    AutoCloseable running = HealthServer.serve(Optional.empty(), "test", () -> (AutoCloseable) () -> closed.set(true),
        service -> List.of());
    running.close();
    assertTrue(closed.get());
  }

  @Test
  void serveClosesTheHealthServerWhenTheServiceCannotStart() {
    RuntimeException failure = new IllegalStateException("database unreachable");
    RuntimeException thrown = assertThrows(IllegalStateException.class, () -> HealthServer.serve(
        Optional.of(FAST), "test", () -> {
          throw failure;
        }, service -> List.of()));
    assertEquals(failure, thrown);
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Settings(-1, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(65_536, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(8080, Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(8080, Duration.ofSeconds(1), Duration.ZERO));
  }

  private HttpResponse<String> awaitStatus(int status) {
    HttpResponse<String>[] last = new HttpResponse[1];
    Await.until("readiness answers " + status, WAIT, () -> {
      last[0] = get(HealthServer.READY_PATH);
      return last[0].statusCode() == status;
    });
    return last[0];
  }

  private HttpResponse<String> get(String path) {
    return get(health.port(), path);
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + health.port() + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.natsbank.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP health endpoints of a service, on the JDK's own HTTP server:
 *
 * <ul>
 *   <li>{@value #LIVE_PATH}: 200 as long as the process answers (it never looks at NATS or the
 *       database, so an outage of either does not get every pod restarted);
 *   <li>{@value #READY_PATH}: 200 when every check passed at the last refresh, else 503 with the
 *       checks that failed. It reads a cached result and never waits for a check.
 *   <li>{@value #METRICS_PATH}: the service's metrics in the Prometheus text format, once
 *       {@link #serveMetrics} has been called (404 before).
 * </ul>
 *
 * <p>A background thread runs the checks every {@code refreshInterval}, each bounded by {@code
 * checkTimeout}: a check that has not answered by then counts as failed, and is not started again
 * until its earlier run returns, so a hung database costs one thread, not one per second. Until
 * {@link #watch} hands over the checks (the service is still opening its database and migrating),
 * readiness is {@code STARTING}; after {@link #stopping}, it is {@code STOPPING}. A result older than
 * a few refreshes counts as failed, so a stuck refresher cannot leave a stale "ready" behind.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** How often the checks run in a service. */
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
  /** Connections waiting to be accepted at most. */
  static final int BACKLOG_MAX = 64;
  /** How long closing waits for requests in progress (they only copy a cached result). */
  static final Duration STOP_WAIT = Duration.ofSeconds(1);
  /** Refreshes that may be missed before the cached result counts as stale. */
  static final int STALE_AFTER_REFRESHES = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One readiness condition; {@code probe} may block, it is always run off the request path. */
  public record Check(String name, BooleanSupplier probe) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(probe, "probe");
    }
  }

  /** {@code port} 0 binds any free port (see {@link #port()}). */
  public record Settings(int port, Duration refreshInterval, Duration checkTimeout) {
    public Settings {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("health port must be within 0..65535, got " + port);
      }
      if (refreshInterval.isNegative() || refreshInterval.isZero()) {
        throw new IllegalArgumentException("health refresh interval must be positive, got " + refreshInterval);
      }
      if (checkTimeout.isNegative() || checkTimeout.isZero()) {
        throw new IllegalArgumentException("health check timeout must be positive, got " + checkTimeout);
      }
    }
  }

  public enum State { STARTING, UP, DOWN, STOPPING }

  /** The last refresh: overall state and, per check, "up", "down", "timeout" or "error: ...". */
  public record Readiness(State state, Map<String, String> checks, long checkedAtNanos) {
    public Readiness {
      checks = Map.copyOf(checks);
    }

    public boolean ready() {
      return state == State.UP;
    }
  }

  private final String name;
  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService requestExecutor;
  private final ExecutorService checkExecutor;
  /** The last run of each check; touched by the refresher thread only. */
  private final Map<String, CompletableFuture<Boolean>> inFlight = new LinkedHashMap<>();
  private final Thread refresher;
  private volatile List<Check> checks;
  private volatile boolean stopping;
  private volatile boolean running = true;
  private volatile Readiness readiness;
  private volatile Supplier<String> metrics;

  private HealthServer(String name, Settings settings) throws IOException {
    this.name = name;
    this.settings = settings;
    this.readiness = new Readiness(State.STARTING, Map.of(), System.nanoTime());
    this.server = HttpServer.create(new InetSocketAddress(settings.port()), BACKLOG_MAX);
    this.requestExecutor = Executors.newVirtualThreadPerTaskExecutor();
    // Checks run on platform threads: a JDBC driver blocked inside a monitor would pin a virtual
    // thread's carrier, and a container with one CPU has one carrier for the whole service.
    this.checkExecutor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "health-check-" + name);
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(requestExecutor);
    server.createContext(LIVE_PATH, this::onLive);
    server.createContext(READY_PATH, this::onReady);
    server.createContext(METRICS_PATH, this::onMetrics);
    this.refresher = Thread.ofVirtual().name("health-refresh-" + name).start(this::refreshLoop);
    server.start();
  }

  /** Binds the port and starts answering; readiness stays {@code STARTING} until {@link #watch}. */
  public static HealthServer start(String name, Settings settings) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    try {
      HealthServer health = new HealthServer(name, settings);
      log.info("{}: health endpoints on port {}: {} and {}", name, health.port(), LIVE_PATH, READY_PATH);
      return health;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve health endpoints on port " + settings.port() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Starts the health server (unless {@code settings} is empty), then the service, then watches the
   * service's checks. Closing what this returns turns readiness to {@code STOPPING}, closes the
   * service gracefully, and stops the health server last, so that liveness keeps answering while
   * in-flight batches finish.
   */
  public static <S extends AutoCloseable> AutoCloseable serve(Optional<Settings> settings, String name,
      Supplier<S> startService, Function<S, List<Check>> checksOf) {
    return serve(settings, name, startService, checksOf, null);
  }

  /** {@link #serve(Optional, String, Supplier, Function)}, serving {@value #METRICS_PATH} from {@code scrape} too. */
  public static <S extends AutoCloseable> AutoCloseable serve(Optional<Settings> settings, String name,
      Supplier<S> startService, Function<S, List<Check>> checksOf, Supplier<String> scrape) {
    if (settings.isEmpty()) {
      return startService.get();
    }
    HealthServer health = start(name, settings.get());
    if (scrape != null) {
      health.serveMetrics(scrape);
    }
    S service;
    try {
      service = startService.get();
    } catch (RuntimeException e) {
      health.close();
      throw e;
    }
    health.watch(checksOf.apply(service));
    return () -> {
      health.stopping();
      try (health) {
        service.close();
      }
    };
  }

  /** Whether every check passes now, asked on the caller's thread (for tests and callers that may block). */
  public static boolean allPass(List<Check> checks) {
    return checks.stream().allMatch(check -> check.probe().getAsBoolean());
  }

  /** The checks readiness requires from now on; the next refresh runs them. */
  public void watch(List<Check> serviceChecks) {
    this.checks = List.copyOf(serviceChecks);
    refresher.interrupt();
  }

  /**
   * Serves {@value #METRICS_PATH} from now on: each request gets what {@code scrape} returns (it must
   * not block: a registry scrape reads values kept in memory).
   */
  public void serveMetrics(Supplier<String> scrape) {
    this.metrics = Objects.requireNonNull(scrape, "scrape");
  }

  /** Readiness is {@code STOPPING} from now on, whatever the checks say; liveness still answers. */
  public void stopping() {
    stopping = true;
    readiness = new Readiness(State.STOPPING, readiness.checks(), System.nanoTime());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The last result, as {@value #READY_PATH} would report it now. */
  public Readiness readiness() {
    Readiness last = readiness;
    if (last.state() == State.UP && isStale(last)) {
      return new Readiness(State.DOWN, Map.of("refresh", "stale"), last.checkedAtNanos());
    }
    return last;
  }

  private boolean isStale(Readiness last) {
    long staleAfterNanos = settings.refreshInterval().multipliedBy(STALE_AFTER_REFRESHES)
        .plus(settings.checkTimeout()).toNanos();
    return System.nanoTime() - last.checkedAtNanos() > staleAfterNanos;
  }

  private void onLive(HttpExchange exchange) throws IOException {
    boolean alive = refresher.isAlive() || !running;
    answer(exchange, alive ? 200 : 503, Map.of("status", alive ? "UP" : "DOWN"));
  }

  private void onReady(HttpExchange exchange) throws IOException {
    Readiness now = readiness();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", now.state().name());
    body.put("checks", new TreeMap<>(now.checks()));
    answer(exchange, now.ready() ? 200 : 503, body);
  }

  private void onMetrics(HttpExchange exchange) throws IOException {
    Supplier<String> scrape = metrics;
    if (scrape == null) {
      try (exchange) {
        exchange.sendResponseHeaders(404, -1);
      }
      return;
    }
    answer(exchange, 200, METRICS_CONTENT_TYPE, scrape.get().getBytes(StandardCharsets.UTF_8));
  }

  private static void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
    answer(exchange, status, "application/json",
        JSON.writeValueAsString(body).concat("\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void answer(HttpExchange exchange, int status, String contentType, byte[] bytes)
      throws IOException {
    try (exchange) {
      if (!exchange.getHttpContext().getPath().equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void refreshLoop() {
    while (running) {
      try {
        refresh();
      } catch (RuntimeException e) {
        log.warn("{}: health refresh failed: {}", name, e.toString());
      }
      try {
        Thread.sleep(settings.refreshInterval());
      } catch (InterruptedException e) {
        // woken by watch() or close(): go round again, or leave
      }
    }
  }

  /** Runs every check at once, waits for all of them until one common deadline, caches the outcome. */
  private void refresh() {
    List<Check> current = checks;
    if (current == null || stopping) {
      return;
    }
    Map<String, CompletableFuture<Boolean>> runs = new LinkedHashMap<>();
    for (Check check : current) {
      runs.put(check.name(), launch(check));
    }
    long deadlineNanos = System.nanoTime() + settings.checkTimeout().toNanos();
    Map<String, String> results = new LinkedHashMap<>();
    runs.forEach((checkName, run) -> results.put(checkName, outcome(run, deadlineNanos)));
    boolean allUp = results.values().stream().allMatch("up"::equals);
    Readiness next = new Readiness(allUp ? State.UP : State.DOWN, results, System.nanoTime());
    if (stopping) {
      return;
    }
    Readiness previous = readiness;
    readiness = next;
    if (previous.state() != next.state()) {
      if (next.ready()) {
        log.info("{}: ready", name);
      } else {
        log.warn("{}: not ready: {}", name, results);
      }
    }
  }

  /** The run of {@code check} still in progress, or a new one. */
  private CompletableFuture<Boolean> launch(Check check) {
    CompletableFuture<Boolean> previous = inFlight.get(check.name());
    if (previous != null && !previous.isDone()) {
      return previous;
    }
    CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> check.probe().getAsBoolean(), checkExecutor);
    inFlight.put(check.name(), run);
    return run;
  }

  private static String outcome(CompletableFuture<Boolean> run, long deadlineNanos) {
    try {
      long leftNanos = Math.max(0, deadlineNanos - System.nanoTime());
      return Boolean.TRUE.equals(run.get(leftNanos, TimeUnit.NANOSECONDS)) ? "up" : "down";
    } catch (TimeoutException e) {
      return "timeout";
    } catch (ExecutionException e) {
      return "error: " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Stops answering and stops the checks; bounded by {@link #STOP_WAIT}. */
  @Override
  public void close() {
    running = false;
    stopping = true;
    refresher.interrupt();
    server.stop((int) STOP_WAIT.toSeconds());
    requestExecutor.shutdown();
    checkExecutor.shutdownNow();
    try {
      if (!requestExecutor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        requestExecutor.shutdownNow();
      }
      refresher.join(STOP_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

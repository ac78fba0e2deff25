package io.natsbank.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the producer and consumer mains share: parsing lists, running until SIGTERM, exit codes. */
public final class ServiceCommand {
  private static final Logger log = LoggerFactory.getLogger(ServiceCommand.class);

  /** Exit code for a configuration that cannot be used; picocli uses 2 for bad syntax. */
  public static final int EXIT_BAD_CONFIGURATION = 2;

  private ServiceCommand() {}

  public static Set<String> list(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(name -> !name.isEmpty()).forEach(names::add);
    return names;
  }

  public static String required(String value, String option, String environment) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + option + " (or environment variable " + environment + ")");
    }
    return value.trim();
  }

  /** The values of NATSBANK_LOG_FORMAT that logback.xml knows (logback-text.xml, logback-json.xml). */
  public static final Set<String> LOG_FORMATS = Set.of("text", "json");

  /**
   * Refuses an unknown NATSBANK_LOG_FORMAT: logback would have no appender for it and the service
   * would run without a single log line.
   */
  public static void requireKnownLogFormat(Map<String, String> environment) {
    String format = environment.get("NATSBANK_LOG_FORMAT");
    if (format != null && !LOG_FORMATS.contains(format)) {
      throw new IllegalArgumentException("NATSBANK_LOG_FORMAT must be text or json, got '" + format + "'");
    }
  }

  /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C), then closes the service gracefully. */
  public static int runUntilStopped(AutoCloseable service, String what) {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      log.info("{}: stopping", what);
      try {
        service.close();
      } catch (Exception e) {
        log.warn("{}: error while stopping: {}", what, e.toString());
      }
      stopped.countDown();
    }, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}

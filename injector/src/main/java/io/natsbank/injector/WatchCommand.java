package io.natsbank.injector;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Shows, refreshed in place, each participant's transfers by state, the rate over the last "
            + Watcher.RATE_WINDOW_SECONDS + " s, the re-sends (postings or responses past the first) and the oldest "
            + "unfinished transfer with its age, read from the participants' own databases through the views "
            + "transfer_status and posting_status.",
        "On a terminal the screen is redrawn in place until Ctrl-C; otherwise frames follow one another. --once "
            + "prints one frame and exits (for scripts)."})
final class WatchCommand implements Callable<Integer> {
  /** A frame's queries never wait longer than this for one database. */
  static final int QUERY_TIMEOUT_SECONDS = 10;
  private static final String CONNECT_TIMEOUT_SECONDS = "5";
  private static final String HOME = "\033[H";
  private static final String CLEAR_LINE_END = "\033[K";
  private static final String CLEAR_SCREEN_END = "\033[J";

  @Mixin ParticipantOptions participants;
  @Mixin DatabaseTemplateOptions database;

  @Option(names = "--interval-millis", paramLabel = "MILLIS", defaultValue = "${env:NATSBANK_WATCH_INTERVAL_MILLIS:-2000}",
      description = "Time between frames (env NATSBANK_WATCH_INTERVAL_MILLIS, default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Option(names = "--once", defaultValue = "${env:NATSBANK_WATCH_ONCE:-false}", fallbackValue = "true",
      description = "Print one frame, without terminal control codes, and exit (env NATSBANK_WATCH_ONCE, "
          + "default ${DEFAULT-VALUE}).")
  boolean once;

  @Option(names = "--frames", paramLabel = "N", defaultValue = "${env:NATSBANK_WATCH_FRAMES:-0}",
      description = "Stop after N frames; 0 = until interrupted (env NATSBANK_WATCH_FRAMES, default ${DEFAULT-VALUE}).")
  long frames;

  @Override
  public Integer call() throws Exception {
    List<String> producers = participants.producers();
    List<String> consumers = participants.consumers();
    Participants.requireDistinct(producers, consumers);
    if (intervalMillis < 100) {
      throw new IllegalArgumentException("--interval-millis must be at least 100, got " + intervalMillis);
    }
    if (frames < 0) {
      throw new IllegalArgumentException("--frames must be 0 or more, got " + frames);
    }
    ParticipantDatabases databases = database.databases();
    Watcher watcher = new Watcher(sources(databases, producers), sources(databases, consumers),
        QUERY_TIMEOUT_SECONDS);
    return run(watcher, System.out, !once && isTerminal());
  }

  int run(Watcher watcher, PrintStream out, boolean inPlace) throws InterruptedException {
    long limit = once ? 1 : frames;
    String subtitle = once || limit == 1 ? "" : "every " + Watcher.age(intervalMillis / 1000.0)
        + (limit == 0 ? ", Ctrl-C to stop" : "");
    for (long shown = 0; limit == 0 || shown < limit; shown++) {
      if (shown > 0) {
        Thread.sleep(Duration.ofMillis(intervalMillis));
      }
      String frame = Watcher.render(watcher.read(), subtitle);
      if (inPlace) {
        out.print(HOME + frame.replace("\n", CLEAR_LINE_END + "\n") + CLEAR_SCREEN_END);
      } else {
        out.print((shown > 0 ? "\n" : "") + frame);
      }
      out.flush();
    }
    return InjectorMain.EXIT_OK;
  }

  /** A new connection per frame and participant: a database that is down shows as such, then comes back. */
  static Map<String, Watcher.ConnectionSource> sources(ParticipantDatabases databases, List<String> names) {
    Map<String, Watcher.ConnectionSource> sources = new LinkedHashMap<>();
    for (String name : names) {
      sources.put(name, source(databases, ParticipantDatabases.databaseName(name)));
    }
    return sources;
  }

  /** Opens a new connection to {@code databaseName} each time, giving up after a few seconds. */
  static Watcher.ConnectionSource source(ParticipantDatabases databases, String databaseName) {
    String url = databases.jdbcUrl(databaseName);
    Properties properties = new Properties();
    properties.setProperty("user", databases.user());
    properties.setProperty("password", databases.password());
    properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("ApplicationName", "injector");
    return () -> DriverManager.getConnection(url, properties);
  }

  /** Whether standard output is a terminal (Console.isTerminal from JDK 22; before it, a console means one). */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}

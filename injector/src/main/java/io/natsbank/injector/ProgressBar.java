package io.natsbank.injector;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** One line on a terminal, rewritten in place: done/total, rate, requests in flight. */
public final class ProgressBar implements AutoCloseable {
  private static final long REFRESH_MILLIS = 250;
  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final long total;
  private final Firer.FireCounters counters;
  private final IntSupplier inFlight;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;

  private ProgressBar(PrintStream out, long total, Firer.FireCounters counters, IntSupplier inFlight) {
    this.out = out;
    this.total = total;
    this.counters = counters;
    this.inFlight = inFlight;
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "progress");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::draw, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A bar drawing on {@code out}, or nothing at all when {@code enabled} is false. */
  public static AutoCloseable start(boolean enabled, PrintStream out, long total, Firer firer) {
    if (!enabled) {
      return () -> {};
    }
    return new ProgressBar(out, total, firer.counters(), firer::inFlight);
  }

  /** Whether standard error is a terminal (Linux: fd 2 points at a tty or pts device). */
  public static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false;
    }
  }

  private synchronized void draw() {
    long done = counters.done();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
    String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
    out.print(String.format("\rfire [%s] %d/%d %3d%% %d/s in-flight=%d retries=%d   ", bar, done, total,
        total == 0 ? 100 : 100 * done / total, Math.round(done / seconds), inFlight.getAsInt(), counters.retries()));
    out.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    draw();
    out.println();
  }
}

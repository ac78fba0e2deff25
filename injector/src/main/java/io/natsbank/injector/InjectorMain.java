package io.natsbank.injector;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The injector CLI: {@code setup}, {@code fire}, {@code audit}, {@code status}, {@code watch}. Each option is a flag,
 * else a {@code NATSBANK_*} environment variable, else a default; {@code --help} lists them all.
 * Exit codes: 0 all good, 1 a bad answer (violations, failed submits, unknown transfer), 2 bad usage
 * or configuration, 3 could not finish (a database or NATS problem).
 */
@Command(name = "injector", mixinStandardHelpOptions = true, version = "nats-bank injector 0.1.0",
    subcommands = {SetupCommand.class, FireCommand.class, AuditCommand.class, StatusCommand.class,
        WatchCommand.class, io.natsbank.injector.bench.BenchCommand.class, CommandLine.HelpCommand.class},
    description = "Sets up participant databases, fires transfers at the producers, audits every database, "
        + "asks a producer about one transfer and prints its history, and watches every participant live.")
public final class InjectorMain implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_ERROR = 3;

  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args));
  }

  /** Runs the command line without exiting: what main and tests call. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new InjectorMain());
    commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
      PrintWriter err = line.getErr();
      String command = line.getCommandName();
      try {
        if (exception instanceof IllegalArgumentException) {
          err.println("injector " + command + ": " + exception.getMessage());
          return EXIT_USAGE;
        }
        err.println("injector " + command + ": failed: " + exception);
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
          err.println("  caused by: " + cause);
        }
        return EXIT_ERROR;
      } finally {
        err.flush();
      }
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  /** The injector's output is its report: library chatter only at WARN unless NATSBANK_LOG_LEVEL says otherwise. */
  private static void quietLogging() {
    if (System.getenv("NATSBANK_LOG_LEVEL") == null
        && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.WARN);
    }
  }
}

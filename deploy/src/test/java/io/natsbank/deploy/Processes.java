package io.natsbank.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end within a deadline, its output (stdout and stderr together) kept. */
final class Processes {
  record Result(int exitCode, String output) {}

  private Processes() {}

  static Result run(List<String> command, Map<String, String> environment, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("natsbank-command", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      if (environment != null) {
        builder.environment().clear();
        builder.environment().putAll(environment);
      }
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(output));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    return run(command, null, null, timeout);
  }

  static boolean onPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }
}

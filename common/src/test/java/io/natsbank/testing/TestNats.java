package io.natsbank.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A nats-server process of the test's own, on a free loopback port, with JetStream in a temporary
 * directory. Needs the nats-server binary on the PATH (or NATSBANK_TEST_NATS_SERVER). It can be
 * stopped and started again on the same port, to test reconnection.
 */
public final class TestNats implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final int port;
  private final Path storeDirectory;
  private final Path logFile;
  private Process process;

  private TestNats(int port) throws IOException {
    this.port = port;
    this.storeDirectory = Files.createTempDirectory("natsbank-test-nats");
    this.logFile = storeDirectory.resolve("nats-server.log");
  }

  public static TestNats start() {
    try {
      TestNats nats = new TestNats(freePort());
      nats.startProcess();
      return nats;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start nats-server: " + e.getMessage(), e);
    }
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public synchronized void startProcess() throws IOException {
    String binary = System.getenv().getOrDefault("NATSBANK_TEST_NATS_SERVER", "nats-server");
    List<String> command = new ArrayList<>(List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port),
        "-js", "-sd", storeDirectory.toString()));
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("nats-server exited at start: " + Files.readString(logFile));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleepQuietly(50);
      }
    }
    throw new IOException("nats-server did not listen on port " + port + " within " + START_TIMEOUT);
  }

  /** Kills the server (SIGKILL) and waits for it to be gone. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.natsbank.injector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The figures of one bench phase, as written to its JSON file. Rates are per second of the measured
 * window; per-transfer figures divide by every transfer the phase created (warm-up included), counted
 * once the system was quiet again, so that re-sends and late confirms are in.
 *
 * @param transfersPerSecond decisions confirmed at the consumers during the window, per second: the
 *     headline ("from submit to confirmed")
 * @param producerFinalsPerSecond transfers that became final at the producers during the window, per second
 * @param messagesPerTransfer protocol messages (postings, responses, confirms) per transfer
 * @param natsMessagesPerTransfer NATS messages that carried them, per transfer: fewer where frames
 *     carry several
 * @param loadAverageAtStart {@code /proc/loadavg} (1, 5, 15 minutes) when the phase started (and ended)
 * @param injectorCpuSeconds CPU the bench process itself used during the phase: the load generator runs on
 *     the same machine and takes its share
 */
public record PhaseResult(
    String label,
    String mode,
    String startedAt,
    String loadAverageAtStart,
    String loadAverageAtEnd,
    int inFlight,
    double rateTargetPerSecond,
    int warmupSeconds,
    int durationSeconds,
    long submitted,
    long acknowledged,
    long refused,
    long failed,
    long busyRetries,
    long timeoutRetries,
    long finalByConfirm,
    long finalByReply,
    long finalByPoll,
    long unfinished,
    long transfersInPhase,
    long confirmedInWindow,
    long finishedInWindow,
    double transfersPerSecond,
    double producerFinalsPerSecond,
    Map<String, Long> messages,
    long messagesTotal,
    double messagesPerTransfer,
    long natsMessagesTotal,
    double natsMessagesPerTransfer,
    long wiretapDropped,
    Map<String, Long> commits,
    long commitsTotal,
    double commitsPerTransfer,
    Latency latency,
    boolean quiet,
    double drainSeconds,
    double injectorCpuSeconds,
    Series series,
    String lastProblem) {

  /**
   * Latency of the transfers meant to be sent inside the window, in milliseconds. For an open loop
   * it runs from the intended send time (coordinated omission corrected); for a closed loop from the
   * actual send time. {@code percentiles} holds [percentile, millis] pairs for charts.
   */
  public record Latency(long count, double p50Millis, double p90Millis, double p99Millis, double p999Millis,
      double maxMillis, boolean fromIntendedSendTime, List<double[]> percentiles) {}

  /** Per second since the phase started. */
  public record Series(long[] acknowledged, long[] finalsAtProducers, long[] confirmedAtConsumers, long[] messages,
      List<SecondLatency> latency) {}

  /** Latency of the transfers that became final during one second of the phase (warm-up included). */
  public record SecondLatency(int second, long count, double p50Millis, double p99Millis, double maxMillis) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), this);
  }

  static PhaseResult read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), PhaseResult.class);
  }

  static ObjectMapper json() {
    return JSON;
  }

  /** One line for the console. */
  String summaryLine() {
    return String.format(java.util.Locale.ROOT,
        "bench %s: mode=%s transfers_per_s=%.0f producer_finals_per_s=%.0f transfers=%d p50_ms=%.1f p99_ms=%.1f "
            + "p999_ms=%.1f msgs_per_transfer=%.3f nats_msgs_per_transfer=%.3f commits_per_transfer=%.3f "
            + "busy_retries=%d timeout_retries=%d failed=%d unfinished=%d quiet=%s wiretap_dropped=%d load=%s",
        label, mode, transfersPerSecond, producerFinalsPerSecond, transfersInPhase, latency.p50Millis(),
        latency.p99Millis(), latency.p999Millis(), messagesPerTransfer, natsMessagesPerTransfer, commitsPerTransfer,
        busyRetries, timeoutRetries, failed, unfinished, quiet, wiretapDropped, loadAverageAtEnd);
  }
}

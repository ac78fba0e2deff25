package io.natsbank.config;

import io.natsbank.protocol.Backoff;
import io.natsbank.transport.Frames;
import io.natsbank.transport.NatsSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Batching, framing, queueing and re-send settings shared by producers and consumers. */
public final class TuningOptions {
  @Option(names = "--batch-size-max", defaultValue = "${env:NATSBANK_BATCH_SIZE_MAX:-256}",
      description = "Messages handled in one database transaction at most; 1 = the naive path "
          + "(env NATSBANK_BATCH_SIZE_MAX, default ${DEFAULT-VALUE}).")
  public int batchSizeMax;

  @Option(names = "--queue-capacity", defaultValue = "${env:NATSBANK_QUEUE_CAPACITY:-20000}",
      description = "Messages waiting for a batch at most, per queue (env NATSBANK_QUEUE_CAPACITY, "
          + "default ${DEFAULT-VALUE}).")
  public int queueCapacity;

  @Option(names = "--workers", defaultValue = "${env:NATSBANK_WORKERS:-1}",
      description = "Batches in progress at once, per queue (env NATSBANK_WORKERS, default ${DEFAULT-VALUE}).")
  public int workers;

  @Option(names = "--enqueue-wait-millis", defaultValue = "${env:NATSBANK_ENQUEUE_WAIT_MILLIS:-200}",
      description = "How long a full queue may hold up an incoming message before it is refused "
          + "(env NATSBANK_ENQUEUE_WAIT_MILLIS, default ${DEFAULT-VALUE}).")
  public long enqueueWaitMillis;

  @Option(names = "--resend-initial-millis", defaultValue = "${env:NATSBANK_RESEND_INITIAL_MILLIS:-1000}",
      description = "First re-send delay; doubles on each attempt (env NATSBANK_RESEND_INITIAL_MILLIS, "
          + "default ${DEFAULT-VALUE}).")
  public long resendInitialMillis;

  @Option(names = "--resend-max-millis", defaultValue = "${env:NATSBANK_RESEND_MAX_MILLIS:-10000}",
      description = "Longest re-send delay (env NATSBANK_RESEND_MAX_MILLIS, default ${DEFAULT-VALUE}).")
  public long resendMaxMillis;

  @Option(names = "--resend-scan-millis", defaultValue = "${env:NATSBANK_RESEND_SCAN_MILLIS:-250}",
      description = "How often to look for due re-sends (env NATSBANK_RESEND_SCAN_MILLIS, default ${DEFAULT-VALUE}).")
  public long resendScanMillis;

  @Option(names = "--resend-batch-max", defaultValue = "${env:NATSBANK_RESEND_BATCH_MAX:-500}",
      description = "Re-sends claimed in one transaction at most (env NATSBANK_RESEND_BATCH_MAX, "
          + "default ${DEFAULT-VALUE}).")
  public int resendBatchMax;

  @Option(names = "--frame-messages-max", defaultValue = "${env:NATSBANK_FRAME_MESSAGES_MAX:-"
      + NatsSettings.FRAME_MESSAGES_DEFAULT + "}",
      description = "Protocol messages to one subject that one NATS message (a frame) carries at most, when a "
          + "batch sends several; 1 = one NATS message each, as before frames. Within 1.." + Frames.ENTRIES_MAX
          + " (env NATSBANK_FRAME_MESSAGES_MAX, default ${DEFAULT-VALUE}).")
  public int frameMessagesMax;

  /** {@code nats} with these options' frame size; out of its range it is refused, naming the option. */
  public NatsSettings framed(NatsSettings nats) {
    if (frameMessagesMax < 1 || frameMessagesMax > Frames.ENTRIES_MAX) {
      throw new IllegalArgumentException("--frame-messages-max must be within 1.." + Frames.ENTRIES_MAX + ", got "
          + frameMessagesMax);
    }
    return nats.withFrameMessagesMax(frameMessagesMax);
  }

  public Tuning tuning() {
    return new Tuning(batchSizeMax, queueCapacity, workers, Duration.ofMillis(enqueueWaitMillis),
        new Backoff(resendInitialMillis, resendMaxMillis), Duration.ofMillis(resendScanMillis), resendBatchMax);
  }

  /** The validated tuning a service runs with. */
  public record Tuning(int batchSizeMax, int queueCapacity, int workers, Duration enqueueWait, Backoff backoff,
      Duration resendScan, int resendBatchMax) {
    /** Rounds of re-send batches one scan may run before sleeping again. */
    public static final int RESEND_BATCHES_PER_SCAN_MAX = 20;

    public Tuning {
      if (batchSizeMax < 1 || batchSizeMax > 10_000) {
        throw new IllegalArgumentException("batch size max must be within 1..10000, got " + batchSizeMax);
      }
      if (queueCapacity < 1 || queueCapacity > 1_000_000) {
        throw new IllegalArgumentException("queue capacity must be within 1..1000000, got " + queueCapacity);
      }
      if (workers < 1 || workers > 64) {
        throw new IllegalArgumentException("workers must be within 1..64, got " + workers);
      }
      if (resendBatchMax < 1 || resendBatchMax > 10_000) {
        throw new IllegalArgumentException("re-send batch max must be within 1..10000, got " + resendBatchMax);
      }
      if (resendScan.toMillis() < 1) {
        throw new IllegalArgumentException("re-send scan interval must be at least 1 ms");
      }
    }

    public static Tuning defaults() {
      return new Tuning(256, 20_000, 1, Duration.ofMillis(200), new Backoff(1000, 10_000), Duration.ofMillis(250),
          500);
    }
  }
}

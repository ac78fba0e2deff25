package io.natsbank.config;

import io.natsbank.transport.Subjects;
import picocli.CommandLine.Option;

/** How a process reaches NATS. */
public final class NatsOptions {
  @Option(names = "--nats-url", paramLabel = "URLS",
      defaultValue = "${env:NATSBANK_NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server URLs, comma-separated (env NATSBANK_NATS_URL, default ${DEFAULT-VALUE}).")
  public String url;

  @Option(names = "--subject-prefix", paramLabel = "PREFIX",
      defaultValue = "${env:NATSBANK_SUBJECT_PREFIX:-" + Subjects.DEFAULT_PREFIX + "}",
      description = "First token(s) of every subject (env NATSBANK_SUBJECT_PREFIX, default ${DEFAULT-VALUE}).")
  public String subjectPrefix;

  public Subjects subjects() {
    return new Subjects(subjectPrefix);
  }
}

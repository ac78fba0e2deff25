package io.natsbank.simulation;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The event log of one run, for replaying a failing seed by eye: off by default (nothing is even
 * formatted), on with {@code --trace}.
 */
final class Tracer {
  static final Tracer OFF = new Tracer(null, null);

  private final Scheduler scheduler;
  private final Consumer<String> sink;

  private Tracer(Scheduler scheduler, Consumer<String> sink) {
    this.scheduler = scheduler;
    this.sink = sink;
  }

  static Tracer to(Scheduler scheduler, Consumer<String> sink) {
    return sink == null ? OFF : new Tracer(scheduler, sink);
  }

  void log(Supplier<String> line) {
    if (sink != null) {
      sink.accept("tick " + scheduler.now() + ": " + line.get());
    }
  }

  /** A message in a few words: kind, transfer id, what it says. */
  static String describe(Object message) {
    return switch (message) {
      case Posting posting -> "POSTING " + posting.transferId() + " #" + posting.attempt();
      case Response response -> "RESPONSE " + response.transferId() + " " + response.outcome()
          + (response.cause() == null ? "" : "/" + response.cause()) + " #" + response.attempt();
      case Confirm confirm -> "CONFIRM " + confirm.transferId() + " " + confirm.outcome();
      case SubmitRequest request -> "SUBMIT " + request.transferId() + " " + request.payer() + " -> "
          + request.consumer() + "/" + request.payee() + " " + request.amount();
      default -> String.valueOf(message);
    };
  }
}

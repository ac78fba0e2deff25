package io.natsbank.injector;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.TransferTerms;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Asks producers, through their status API, what they know about one transfer, and prints the
 * answer of the one that knows it. All producers are asked at once.
 */
public final class StatusQuery {
  private final ProducerApi api;
  private final Duration timeout;
  private final PrintStream out;
  private final PrintStream err;

  public StatusQuery(ProducerApi api, Duration timeout, PrintStream out, PrintStream err) {
    this.api = api;
    this.timeout = timeout;
    this.out = out;
    this.err = err;
  }

  /** Returns the exit code: 0 if a producer knows the transfer, 1 if none does. */
  public int run(UUID id, List<String> producers) throws InterruptedException {
    List<CompletableFuture<ApiReply>> replies = producers.stream().map(producer -> api.status(producer, id, timeout))
        .toList();
    ProducerTransfer found = null;
    for (int i = 0; i < producers.size(); i++) {
      String producer = producers.get(i);
      try {
        ApiReply reply = replies.get(i).get();
        if (reply.result() == Result.FOUND && reply.transfer() != null && found == null) {
          found = reply.transfer();
        } else if (reply.result() == Result.REFUSED) {
          err.println("status: producer " + producer + " refused: " + reply.error().code() + ": "
              + reply.error().message());
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        err.println("status: producer " + producer + " did not answer: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
      }
    }
    if (found == null) {
      out.println("status: " + id + " unknown to " + String.join(", ", producers));
      return InjectorMain.EXIT_FAILED;
    }
    out.println(describe(found));
    return InjectorMain.EXIT_OK;
  }

  static String describe(ProducerTransfer transfer) {
    TransferTerms terms = transfer.terms();
    return "status: " + transfer.id() + " state=" + transfer.status() + " final=" + transfer.status().isFinal()
        + " cause=" + (transfer.cause() == null ? "-" : transfer.cause().name())
        + " producer=" + terms.producer() + " consumer=" + terms.consumer() + " payer=" + terms.payer()
        + " payee=" + terms.payee() + " amount=" + terms.amount().text() + " currency=" + terms.amount().currency()
        + " sent=" + transfer.sent() + " postings_sent=" + transfer.attempts()
        + " submitted_at=" + instant(transfer.createdAtMillis()) + " finished_at="
        + instant(transfer.finishedAtMillis())
        + (transfer.reason() == null ? "" : " reason=\"" + transfer.reason() + "\"");
  }

  private static String instant(long millis) {
    return millis == 0 ? "-" : Instant.ofEpochMilli(millis).toString();
  }
}

package io.natsbank.injector;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ApiRequest;
import io.natsbank.codec.DecodeException;
import io.natsbank.protocol.ProducerTransfer;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake {@link Transport} standing for the producers' API: every request is decoded and handed to a
 * script, which answers with a reply, or with {@link #TIMEOUT} to let the request time out; each
 * transfer of a {@code SUBMIT_BATCH} goes to the script as a submit of its own. Replies come
 * asynchronously after {@code replyDelayMillis}. It records every transfer requested and the largest
 * number of transfers outstanding at once.
 */
public final class FakeProducers implements Transport {
  /** What the script returns for "no answer": the request times out. */
  public static final ApiReply TIMEOUT = null;

  /** Decides the answer to a request; {@code attempt} counts the requests seen for this transfer id. */
  @FunctionalInterface
  public interface Script {
    ApiReply answer(String subject, ApiRequest request, int attempt);
  }

  public record Seen(String subject, UUID transferId, byte[] body) {}

  private final Script script;
  private final long replyDelayMillis;
  private final ScheduledExecutorService replies = Executors.newScheduledThreadPool(2);
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  public final AtomicInteger outstandingMax = new AtomicInteger();
  /** Requests made: fewer than the transfers seen when they came in batches. */
  public final AtomicInteger requests = new AtomicInteger();
  /** Called with each submit before it is answered (to check what was recorded before sending). */
  volatile java.util.function.Consumer<SubmitRequest> onSubmit = request -> {};

  public FakeProducers(long replyDelayMillis, Script script) {
    this.replyDelayMillis = replyDelayMillis;
    this.script = script;
  }

  @Override
  public CompletableFuture<Delivery> request(String subject, Map<String, String> headers, byte[] body,
      Duration timeout) {
    ApiRequest request;
    try {
      request = ApiCodec.decodeRequest(body);
    } catch (DecodeException e) {
      return CompletableFuture.failedFuture(new AssertionError("the injector sent a malformed request: " + e));
    }
    this.requests.incrementAndGet();
    List<ApiRequest> transfers = request instanceof ApiRequest.SubmitBatch batch
        ? batch.requests().stream().<ApiRequest>map(ApiRequest.Submit::new).toList() : List.of(request);
    List<ApiReply> answers = new ArrayList<>(transfers.size());
    for (ApiRequest one : transfers) {
      if (one instanceof ApiRequest.Submit submit) {
        onSubmit.accept(submit.request());
      }
      seen.add(new Seen(subject, one.transferId(), body.clone()));
      int attempt = attempts.computeIfAbsent(one.transferId(), id -> new AtomicInteger()).incrementAndGet();
      answers.add(script.answer(subject, one, attempt));
    }
    outstandingMax.accumulateAndGet(outstanding.addAndGet(transfers.size()), Math::max);
    // one transfer of a batch left unanswered loses the batch's whole reply, as a lost reply would
    boolean lost = answers.contains(TIMEOUT);
    byte[] reply = lost ? null : request instanceof ApiRequest.SubmitBatch batch
        ? ApiCodec.encodeReplies(answers, batch.replies()) : ApiCodec.encodeReply(answers.getFirst());
    CompletableFuture<Delivery> future = new CompletableFuture<>();
    replies.schedule(() -> {
      outstanding.addAndGet(-transfers.size());
      if (lost) {
        future.completeExceptionally(new TimeoutException("no reply within " + timeout));
      } else {
        future.complete(new Delivery("_INBOX.reply", null, Map.of(), reply));
      }
    }, replyDelayMillis, TimeUnit.MILLISECONDS);
    return future;
  }

  public int attempts(UUID id) {
    AtomicInteger count = attempts.get(id);
    return count == null ? 0 : count.get();
  }

  /** The stored transfer a producer would answer with, in {@code status}. */
  public static ProducerTransfer transfer(String producer, SubmitRequest request, TransferStatus status) {
    boolean rejected = status == TransferStatus.REJECTED;
    return new ProducerTransfer(request.transferId(), request.termsAt(producer), status,
        rejected ? RejectCause.INSUFFICIENT_FUNDS : null, null, !rejected, rejected ? 0 : 1, 0, 1_000,
        status.isFinal() ? 2_000 : 0);
  }

  @Override
  public void publish(String subject, Map<String, String> headers, byte[] body) {
    throw new UnsupportedOperationException("the injector only makes requests");
  }

  @Override
  public Subscription subscribe(String subject, String queueGroup, Handler handler) {
    throw new UnsupportedOperationException("the injector only makes requests");
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public void flush(Duration timeout) {}

  @Override
  public void close() {
    replies.shutdownNow();
  }
}

package io.natsbank.injector;

import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.DecodeException;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.transport.Delivery;
import io.natsbank.transport.MessageHeaders;
import io.natsbank.transport.Subjects;
import io.natsbank.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client of the producers' request/reply API. Each call completes with the decoded reply, or
 * exceptionally when no reply came in time or the reply was unreadable; it never throws.
 */
public final class ProducerApi {
  private final Transport transport;
  private final Subjects subjects;

  public ProducerApi(Transport transport, Subjects subjects) {
    this.transport = transport;
    this.subjects = subjects;
  }

  public CompletableFuture<ApiReply> submit(String producer, SubmitRequest request, Duration timeout) {
    return call(subjects.submit(producer), request.transferId(), ApiCodec.encodeSubmit(request), timeout);
  }

  /**
   * Submits {@code requests} (1 to {@link ApiCodec#SUBMIT_BATCH_TRANSFERS_MAX}) in one request;
   * completes with one reply per transfer, in their order, in {@code replies} form: a brief reply
   * names the transfer's state ({@link ApiReply#state()}) but not the transfer, whose terms the caller sent.
   */
  public CompletableFuture<List<ApiReply>> submitBatch(String producer, List<SubmitRequest> requests,
      ApiCodec.ReplyForm replies, Duration timeout) {
    byte[] body;
    try {
      body = ApiCodec.encodeSubmitBatch(requests, replies);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return request(subjects.submit(producer), requests.getFirst().transferId(), body, timeout)
        .thenApply(delivery -> {
          try {
            return ApiCodec.decodeReplies(delivery.body(), requests.size());
          } catch (DecodeException e) {
            throw new CompletionException(e);
          }
        });
  }

  public CompletableFuture<ApiReply> status(String producer, UUID transferId, Duration timeout) {
    return call(subjects.status(producer), transferId, ApiCodec.encodeStatus(transferId), timeout);
  }

  private CompletableFuture<ApiReply> call(String subject, UUID transferId, byte[] body, Duration timeout) {
    return request(subject, transferId, body, timeout).thenApply(delivery -> {
      try {
        return ApiCodec.decodeReply(delivery.body());
      } catch (DecodeException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** The request, traced under {@code transferId} (a batch's first transfer: the others link to it). */
  private CompletableFuture<Delivery> request(String subject, UUID transferId, byte[] body, Duration timeout) {
    Map<String, String> headers = Map.of(MessageHeaders.TRACEPARENT,
        MessageHeaders.traceparent(transferId, ThreadLocalRandom.current().nextLong()));
    try {
      return transport.request(subject, headers, body, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

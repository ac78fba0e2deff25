package io.natsbank.producer;

import io.natsbank.codec.ApiCodec.ApiReply;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The answer to one {@code SUBMIT_BATCH}: a place per transfer, filled as each is settled (refused at
 * admission on the delivery thread, decided after its batch commits on a worker, or failed with its
 * batch), and sent once, as one reply, when the last place is filled. Transfers of one request may be
 * settled in different batches and threads; a place is filled once, a second answer for it is
 * ignored, so a batch that fails after it answered some of its transfers cannot answer them twice.
 */
final class BatchReplies {
  private final AtomicReferenceArray<ApiReply> replies;
  private final AtomicInteger unanswered;
  private final Consumer<List<ApiReply>> send;

  BatchReplies(int size, Consumer<List<ApiReply>> send) {
    if (size < 1) {
      throw new IllegalArgumentException("a batch of replies holds at least 1, got " + size);
    }
    this.replies = new AtomicReferenceArray<>(size);
    this.unanswered = new AtomicInteger(size);
    this.send = Objects.requireNonNull(send, "send");
  }

  /** Where the answer for the transfer at {@code index} of the request goes. */
  ProducerService.ReplyTo place(int index) {
    Objects.checkIndex(index, replies.length());
    return reply -> answer(index, reply);
  }

  private void answer(int index, ApiReply reply) {
    Objects.requireNonNull(reply, "reply");
    if (!replies.compareAndSet(index, null, reply)) {
      return;
    }
    if (unanswered.decrementAndGet() == 0) {
      ApiReply[] all = new ApiReply[replies.length()];
      Arrays.setAll(all, replies::get);
      send.accept(List.of(all));
    }
  }

  /** How many transfers are still waiting for their answer. */
  int unanswered() {
    return unanswered.get();
  }
}

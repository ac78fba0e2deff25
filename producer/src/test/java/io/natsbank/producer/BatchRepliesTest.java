package io.natsbank.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Refusal.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BatchRepliesTest {
  private static final ApiReply NOT_FOUND = new ApiReply(Result.NOT_FOUND, null, null);
  private static final ApiReply BUSY = ApiReply.refused(new Refusal(Code.BUSY, "behind"));

  @Test
  void theRepliesGoOnceInTheRequestsOrderWhenTheLastPlaceIsFilled() {
    List<List<ApiReply>> sent = new ArrayList<>();
    BatchReplies replies = new BatchReplies(3, sent::add);

    replies.place(2).send(BUSY);
    replies.place(0).send(NOT_FOUND);
    assertEquals(List.of(), sent, "nothing goes while a place is empty");
    assertEquals(1, replies.unanswered());
    replies.place(1).send(BUSY);

    assertEquals(List.of(List.of(NOT_FOUND, BUSY, BUSY)), sent);
  }

  @Test
  void aSecondAnswerForAPlaceIsIgnoredAndCannotSendTheRepliesEarlyOrTwice() {
    List<List<ApiReply>> sent = new ArrayList<>();
    BatchReplies replies = new BatchReplies(2, sent::add);

    replies.place(0).send(NOT_FOUND);
    replies.place(0).send(BUSY); // e.g. a batch that failed after answering
    assertEquals(List.of(), sent);
    replies.place(1).send(NOT_FOUND);
    replies.place(1).send(BUSY);

    assertEquals(List.of(List.of(NOT_FOUND, NOT_FOUND)), sent);
  }

  @Test
  void placesFilledFromManyThreadsSendExactlyOnce() throws InterruptedException {
    int size = 256;
    List<List<ApiReply>> sent = new CopyOnWriteArrayList<>();
    BatchReplies replies = new BatchReplies(size, sent::add);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < size; i++) {
          replies.place(i).send(NOT_FOUND);
        }
      }));
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertEquals(1, sent.size());
    assertEquals(size, sent.getFirst().size());
  }

  @Test
  void aBatchHoldsAtLeastOneAndPlacesAreWithinIt() {
    assertThrows(IllegalArgumentException.class, () -> new BatchReplies(0, all -> {}));
    assertThrows(IndexOutOfBoundsException.class, () -> new BatchReplies(2, all -> {}).place(2));
  }
}

package io.natsbank.injector;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A submission log in memory, for tests of fire's bookkeeping. */
public final class MemorySubmissionLog implements SubmissionLog {
  public final Map<UUID, PlannedTransfer> submitted = new ConcurrentHashMap<>();
  public final Map<UUID, ReplyRecord> replies = new ConcurrentHashMap<>();
  volatile int flushes;

  @Override
  public void recordSubmitted(List<PlannedTransfer> transfers) {
    for (PlannedTransfer transfer : transfers) {
      if (submitted.putIfAbsent(transfer.request().transferId(), transfer) != null) {
        throw new AssertionError("recorded twice: " + transfer.request().transferId());
      }
    }
  }

  @Override
  public void recordReply(ReplyRecord reply) {
    if (!submitted.containsKey(reply.id())) {
      throw new AssertionError("reply about a transfer never recorded: " + reply.id());
    }
    replies.merge(reply.id(), reply, PgSubmissionLog::merge);
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void close() {}

  long acknowledged() {
    return replies.values().stream().filter(ReplyRecord::acknowledged).count();
  }
}

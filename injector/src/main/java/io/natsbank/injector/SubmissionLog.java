package io.natsbank.injector;

import java.util.List;

/**
 * The injector's own durable record of what it submitted and what the system acknowledged: the
 * audit's independent source of truth for "accepted" (DESIGN.md). A transfer is recorded before it is
 * sent, so the system can never hold a transfer the injector has no trace of.
 */
public interface SubmissionLog extends AutoCloseable {

  /** Records transfers about to be sent; durable when this returns. */
  void recordSubmitted(List<PlannedTransfer> transfers);

  /**
   * Records a reply; may be batched and written later. An acknowledgement is never taken back by a
   * later record.
   */
  void recordReply(ReplyRecord reply);

  /** Makes every reply recorded so far durable, or throws if that is impossible. */
  void flush();

  @Override
  void close();
}

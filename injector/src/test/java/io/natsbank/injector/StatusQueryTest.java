package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.Subjects;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StatusQueryTest {
  private static final UUID ID = UUID.fromString("0190a000-0000-7000-8000-000000000042");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int query(FakeProducers.Script script, List<String> producers) throws InterruptedException {
    try (FakeProducers fake = new FakeProducers(1, script)) {
      return new StatusQuery(new ProducerApi(fake, new Subjects("nb")), Duration.ofMillis(500),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
          .run(ID, producers);
    }
  }

  /** p2 knows the transfer (OK), p1 does not, p3 never answers. */
  private static ApiReply knownAtP2(String subject, io.natsbank.codec.ApiCodec.ApiRequest request, int attempt) {
    if (subject.equals("nb.api.p2.status")) {
      SubmitRequest submit = new SubmitRequest(ID, "c1", "p2-0001", "c1-0002", Money.parsePositive("9.99", Currency.EUR));
      return new ApiReply(Result.FOUND, FakeProducers.transfer("p2", submit, TransferStatus.OK), null);
    }
    return subject.equals("nb.api.p3.status") ? FakeProducers.TIMEOUT : new ApiReply(Result.NOT_FOUND, null, null);
  }

  @Test
  void printsTheStateFromTheProducerThatKnowsTheTransfer() throws Exception {
    int exitCode = query(StatusQueryTest::knownAtP2, List.of("p1", "p2", "p3"));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode, printed);
    assertTrue(printed.startsWith("status: " + ID + " state=OK final=true cause=- producer=p2 consumer=c1 "
        + "payer=p2-0001 payee=c1-0002 amount=9.99 currency=EUR"), printed);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("producer p3 did not answer"), err.toString());
  }

  @Test
  void exitsOneWhenNoProducerKnowsTheTransfer() throws Exception {
    int exitCode = query(StatusQueryTest::knownAtP2, List.of("p1", "p3"));

    assertEquals(1, exitCode);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("unknown to p1, p3"));
  }
}

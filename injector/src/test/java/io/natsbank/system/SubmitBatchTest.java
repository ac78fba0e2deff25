package io.natsbank.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.ApiCodec.ApiReply;
import io.natsbank.codec.ApiCodec.ReplyForm;
import io.natsbank.codec.ApiCodec.Result;
import io.natsbank.injector.ProducerApi;
import io.natsbank.producer.ProducerService;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferStatus;
import io.natsbank.transport.FaultSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code SUBMIT_BATCH} on a real nats-server and PostgreSQL: one request, one reply in the request's
 * order, and for each transfer exactly what a {@code SUBMIT} of it alone would have given, admission
 * included.
 */
class SubmitBatchTest {
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

  private static SubmitRequest transfer(String payer, String payee, String amount) {
    return new SubmitRequest(UUID.randomUUID(), "c1", payer, payee, Money.parsePositive(amount, Currency.EUR));
  }

  @Test
  void eachTransferOfABatchIsAnsweredInOrderAsIfSubmittedAloneAndEndsAsItWouldHave() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startConsumer("c1", FaultSettings.NONE);
      system.startProducer("p1", FaultSettings.NONE);
      SubmitRequest earlier = transfer("p1-0", "c1-0", "2.00");
      assertEquals(Result.ACCEPTED, system.submit("p1", earlier).result());
      SubmitRequest ok = transfer("p1-0", "c1-0", "10.50");
      SubmitRequest unknownPayee = transfer("p1-1", "c1-99", "1.00");
      SubmitRequest overLimit = transfer("p1-2", "c1-8", "100.01");
      SubmitRequest insufficient = transfer("p1-3", "c1-0", "1000.01");
      SubmitRequest unknownPayer = transfer("p1-404", "c1-0", "1.00");
      SubmitRequest reusedId = new SubmitRequest(earlier.transferId(), "c1", "p1-0", "c1-0",
          Money.parsePositive("3.00", Currency.EUR));
      List<SubmitRequest> batch = List.of(ok, unknownPayee, overLimit, insufficient, earlier, ok, unknownPayer,
          reusedId);

      List<ApiReply> replies = new ProducerApi(system.client, system.subjects)
          .submitBatch("p1", batch, ReplyForm.FULL, REPLY_TIMEOUT).get(30, TimeUnit.SECONDS);

      assertEquals(batch.size(), replies.size());
      List<Result> results = replies.stream().map(ApiReply::result).toList();
      assertEquals(List.of(Result.ACCEPTED, Result.ACCEPTED, Result.ACCEPTED, Result.DUPLICATE, Result.REFUSED,
          Result.REFUSED), List.of(results.get(1), results.get(2), results.get(3), results.get(4), results.get(6),
          results.get(7)), results.toString());
      // the same transfer twice in one request: stored once, the other copy answered with it. Which copy
      // is stored first is not fixed: they may be queued into batches that different workers commit
      assertEquals(java.util.Set.of(Result.ACCEPTED, Result.DUPLICATE), java.util.Set.of(results.get(0), results.get(5)),
          results.toString());
      for (int i = 0; i < 6; i++) {
        assertEquals(batch.get(i).transferId(), replies.get(i).transfer().id(), "reply " + i + " in request order");
      }
      assertEquals(TransferStatus.REJECTED, replies.get(3).transfer().status(), "insufficient funds at once");
      assertEquals(Code.UNKNOWN_ACCOUNT, replies.get(6).error().code(), replies.get(6).error().message());
      assertEquals(Code.TRANSFER_ID_REUSED, replies.get(7).error().code(), replies.get(7).error().message());

      system.awaitQuiet(QUIET_TIMEOUT);
      TransferRoundTripTest.assertOutcome(system, ok, TransferStatus.OK, null);
      TransferRoundTripTest.assertOutcome(system, unknownPayee, TransferStatus.REJECTED, RejectCause.UNKNOWN_ACCOUNT);
      TransferRoundTripTest.assertOutcome(system, overLimit, TransferStatus.REJECTED, RejectCause.OVER_LIMIT);
      TransferRoundTripTest.assertOutcome(system, insufficient, TransferStatus.REJECTED, RejectCause.INSUFFICIENT_FUNDS);
      assertEquals(Result.NOT_FOUND, system.status("p1", unknownPayer.transferId()).result());
      assertEquals(List.of(), QuietChecks.violations(system));
      assertEquals(5, TestSystem.count(system.producers.get("p1"), "SELECT count(*) FROM transfers"),
          "the earlier transfer and the four new ones, each once");
      assertEquals("987.50", TestSystem.query(system.producers.get("p1"),
          "SELECT balance FROM accounts WHERE id = 'p1-0'", resultSet -> resultSet.getBigDecimal(1).toPlainString())
          .getFirst(), "2.00 and 10.50 debited once each, the second submit of the same transfer changed nothing");
    }
  }

  @Test
  void aBatchAskingForBriefRepliesGetsEachTransfersIdAndStateInOrderAndNothingElse() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      // no consumer: an accepted transfer is still PENDING when the reply goes
      system.startProducer("p1", FaultSettings.NONE);
      SubmitRequest accepted = transfer("p1-0", "c1-0", "1.00");
      SubmitRequest insufficient = transfer("p1-3", "c1-0", "1000.01");
      SubmitRequest unknownPayer = transfer("p1-404", "c1-0", "1.00");
      List<SubmitRequest> batch = List.of(accepted, insufficient, unknownPayer);

      byte[] body = system.client.request(system.subjects.submit("p1"), Map.of(),
          ApiCodec.encodeSubmitBatch(batch, ReplyForm.BRIEF), REPLY_TIMEOUT).get(30, TimeUnit.SECONDS).body();

      JsonNode replies = new ObjectMapper().readTree(body).get("replies");
      assertEquals(batch.size(), replies.size(), new String(body, StandardCharsets.UTF_8));
      for (int i = 0; i < 2; i++) {
        List<String> fields = new ArrayList<>();
        replies.get(i).fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("result", "transferId", "state"), fields, "reply " + i + ": " + replies.get(i));
        assertEquals(batch.get(i).transferId().toString(), replies.get(i).get("transferId").asText(), "reply " + i);
      }
      List<ApiReply> decoded = ApiCodec.decodeReplies(body, batch.size());
      assertEquals(List.of(Result.ACCEPTED, Result.ACCEPTED, Result.REFUSED),
          decoded.stream().map(ApiReply::result).toList());
      assertEquals(TransferStatus.PENDING, decoded.get(0).state());
      assertEquals(TransferStatus.REJECTED, decoded.get(1).state(), "insufficient funds at once");
      assertEquals(Code.UNKNOWN_ACCOUNT, decoded.get(2).error().code());
      assertEquals(TransferStatus.PENDING, system.status("p1", accepted.transferId()).transfer().status());
    }
  }

  @Test
  void aBatchWithOneBadTransferIsRefusedWholeNamingItAndStoresNothing() throws Exception {
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      system.startProducer("p1", FaultSettings.NONE);
      SubmitRequest good = transfer("p1-0", "c1-0", "1.00");
      String body = new String(ApiCodec.encodeSubmitBatch(List.of(good, transfer("p1-0", "c1-0", "2.00"))),
          StandardCharsets.UTF_8).replace("\"2.00\"", "\"2.001\"");

      ApiReply reply = ApiCodec.decodeReply(system.client.request(system.subjects.submit("p1"), Map.of(),
          body.getBytes(StandardCharsets.UTF_8), REPLY_TIMEOUT).get(30, TimeUnit.SECONDS).body());

      assertEquals(Result.REFUSED, reply.result());
      assertEquals(Code.INVALID_AMOUNT, reply.error().code());
      assertTrue(reply.error().message().startsWith("transfers[1]: "), reply.error().message());
      assertEquals(Result.NOT_FOUND, system.status("p1", good.transferId()).result());
      assertEquals(0, TestSystem.count(system.producers.get("p1"), "SELECT count(*) FROM transfers"));
    }
  }

  @Test
  void admissionTakesTheTransfersOfABatchInItsOrderAndAnswersTheRestBusy() throws Exception {
    int unfinishedMax = 5;
    try (TestSystem system = new TestSystem(List.of("p1"), List.of("c1"))) {
      // no consumer: nothing finishes, so the bound holds for the whole batch
      ProducerService producer = system.startProducer("p1", FaultSettings.NONE, unfinishedMax);
      assertEquals(Result.NOT_FOUND, system.status("p1", UUID.randomUUID()).result());
      List<SubmitRequest> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        batch.add(transfer(TestSystem.account("p1", i % 4), TestSystem.account("c1", 0), "1.00"));
      }

      List<ApiReply> replies = new ProducerApi(system.client, system.subjects)
          .submitBatch("p1", batch, ReplyForm.FULL, REPLY_TIMEOUT).get(30, TimeUnit.SECONDS);

      for (int i = 0; i < batch.size(); i++) {
        ApiReply reply = replies.get(i);
        if (i < unfinishedMax) {
          assertEquals(Result.ACCEPTED, reply.result(), "transfer " + i);
          assertEquals(batch.get(i).transferId(), reply.transfer().id());
        } else {
          assertEquals(Code.BUSY, reply.error().code(), "transfer " + i);
          assertTrue(reply.error().message().contains(batch.get(i).transferId() + " later with the same transfer id"),
              reply.error().message());
        }
      }
      assertEquals(unfinishedMax, system.unfinished());
      assertEquals(batch.size() - unfinishedMax, producer.counters().get("refused_total.api.BUSY"));
    }
  }
}

package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.testing.Jdbc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code injector watch} and the history of {@code injector status}, on databases built row by row. */
class WatchAndHistoryTest {
  private static HandBuiltBank bank;
  private static UUID ok;
  private static UUID rejected;
  private static UUID atOnce;
  private static UUID waiting;

  /**
   * p1 and c1: two transfers OK, one rejected by the consumer, one rejected at once, and one the
   * consumer has decided OK but the producer has not heard of yet (3 postings sent, 2 responses).
   */
  @BeforeAll
  static void buildBank() throws SQLException {
    bank = new HandBuiltBank(List.of("p1"), List.of("c1"));
    ok = bank.ok("p1", "c1", 1, 1, "10.00");
    bank.ok("p1", "c1", 2, 2, "20.00");
    rejected = bank.rejected("p1", "c1", 3, 3, "5.00", "ACCOUNT_CLOSED");
    atOnce = bank.rejectedAtOnce("p1", "c1", 4, 4, "9999.00");
    waiting = bank.pending("p1", "c1", 5, 5, "3.00");
    bank.posting(waiting, "p1", "c1", 5, 5, "3.00", "OK", null, false);
    HandBuiltBank.entry(bank.consumerDb("c1"), waiting, "CREDIT", HandBuiltBank.account("c1", 5), "3.00");
    Jdbc.execute(bank.producerDb("p1"), "UPDATE transfers SET attempts = 3 WHERE id = ?", waiting);
    Jdbc.execute(bank.consumerDb("c1"), "UPDATE postings SET responses = 2 WHERE id = ?", waiting);
  }

  @AfterAll
  static void dropBank() {
    if (bank != null) {
      bank.close();
    }
  }

  private static Watcher watcher() {
    Map<String, Watcher.ConnectionSource> producers = new LinkedHashMap<>();
    producers.put("p1", bank.producerDb("p1")::getConnection);
    producers.put("p9", () -> {
      throw new SQLException("Connection to 127.0.0.1:1 refused");
    });
    return new Watcher(producers, Map.of("c1", bank.consumerDb("c1")::getConnection), 10);
  }

  @Test
  void aFrameShowsEachParticipantsStatesResendsAndOldestUnfinishedTransfer() {
    Watcher.Frame frame = watcher().read();

    Watcher.ProducerRow p1 = frame.producers().getFirst();
    assertEquals(List.of(1L, 0L, 2L, 2L, 5L), List.of(p1.pending(), p1.acked(), p1.ok(), p1.rejected(), p1.total()));
    assertEquals(2, p1.resends(), "postings past the first");
    assertEquals(new Watcher.Oldest(waiting, "PENDING", 3, p1.oldest().ageSeconds()), p1.oldest());
    assertTrue(p1.finishedPerSecond() >= 0 && p1.finishedPerSecond() <= 4.0 / Watcher.RATE_WINDOW_SECONDS);
    assertNull(p1.error());
    Watcher.ProducerRow p9 = frame.producers().get(1);
    assertEquals("Connection to 127.0.0.1:1 refused", p9.error());

    Watcher.ConsumerRow c1 = frame.consumers().getFirst();
    assertEquals(List.of(3L, 1L, 1L, 1L), List.of(c1.ok(), c1.rejected(), c1.unconfirmed(), c1.resends()));
    assertEquals(waiting, c1.oldest().transferId());
    assertEquals("OK", c1.oldest().state());
    assertEquals(2, c1.oldest().sent());

    String text = Watcher.render(frame, "");
    assertTrue(text.startsWith("nats-bank watch  "), text);
    assertTrue(text.contains(waiting + " PENDING, 3 postings, "), text);
    assertTrue(text.contains(waiting + " OK, 2 responses, "), text);
    assertTrue(text.contains("p9           unreachable: Connection to 127.0.0.1:1 refused"), text);
    assertTrue(text.lines().anyMatch(line -> line.matches("p1 +1 +0 +2 +2 +5 +[0-9.]+ +2  .*")), text);
    assertTrue(text.lines().anyMatch(line -> line.matches("c1 +3 +1 +1 +[0-9.]+ +1  .*")), text);
  }

  @Test
  void framesFollowOneAnotherOrAreRedrawnInPlace() throws Exception {
    WatchCommand command = new WatchCommand();
    command.frames = 2;
    command.intervalMillis = 100;
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    command.run(watcher(), new PrintStream(plain, true, StandardCharsets.UTF_8), false);
    String text = plain.toString(StandardCharsets.UTF_8);
    assertEquals(2, text.split("nats-bank watch", -1).length - 1, text);
    assertFalse(text.contains("\033["), "no control codes off a terminal");

    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    command.run(watcher(), new PrintStream(terminal, true, StandardCharsets.UTF_8), true);
    String screen = terminal.toString(StandardCharsets.UTF_8);
    assertTrue(screen.startsWith("\033[H"), "each frame starts at the top left");
    assertTrue(screen.endsWith("\033[J"), "and clears what an older, longer frame left below");
  }

  @Test
  void theHistoryShowsBothSidesAndTheInjectorsRecordInOneTimeline() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean known = history().print(ok, consumer -> bank.consumerDb(consumer)::getConnection,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);

    assertTrue(known, text);
    assertTrue(text.contains("  producer p1: state=OK final=true cause=- postings_sent=1 "), text);
    assertTrue(text.contains("    entry DEBIT p1-0001 10.00 at "), text);
    assertTrue(text.contains("  consumer c1: decision=OK cause=- confirmed=true responses_sent=1 "), text);
    assertTrue(text.contains("    entry CREDIT c1-0001 10.00 at "), text);
    assertTrue(text.contains("  injector: submitted to p1 at "), text);
    assertTrue(text.contains("timeline (each by its own database's clock):"), text);
    assertTrue(text.lines().anyMatch(line -> line.matches("  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  c1 +decided OK")),
        text);
    for (String moment : List.of("submitted: stored PENDING, posted to c1", "payer debited: DEBIT p1-0001 10.00",
        "decided OK", "payee credited: CREDIT c1-0001 10.00", "outcome OK applied after 1 posting(s)",
        "confirmed after 1 response(s)")) {
      assertTrue(text.contains(moment), moment + " in\n" + text);
    }
  }

  @Test
  void theHistoryOfRejectedTransfersNamesTheCauseAndTheRefund() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    history().print(rejected, consumer -> bank.consumerDb(consumer)::getConnection,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("decision=REJECTED cause=ACCOUNT_CLOSED"), text);
    assertTrue(text.contains("payer refunded: REFUND p1-0003 5.00"), text);

    out.reset();
    history().print(atOnce, consumer -> bank.consumerDb(consumer)::getConnection,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("submitted, rejected at once: INSUFFICIENT_FUNDS"), text);
    assertTrue(text.contains("consumer c1: no such transfer (no posting decided)"), text);
  }

  @Test
  void anUnknownTransferIsKnownNowhere() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean known = history().print(bank.newId(), consumer -> bank.consumerDb(consumer)::getConnection,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertFalse(known);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("producer p1: no such transfer"));
  }

  private static TransferHistory history() {
    return new TransferHistory(Map.of("p1", bank.producerDb("p1")::getConnection), Map.of(),
        bank.injector.dataSource()::getConnection, 10);
  }
}

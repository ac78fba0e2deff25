package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.testing.Jdbc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit against hand-built databases: a consistent set passes; each planted violation is caught
 * by the right counter, with the offending transfer id (or account) printed, and a non-zero exit.
 */
@Timeout(120)
class AuditorTest {
  private static final Pattern FINAL_LINE = Pattern.compile("audit: transfers=(\\d+) final=(\\d+) ok=(\\d+) "
      + "rejected=(\\d+) pending=(\\d+) lost=(\\d+) duplicated=(\\d+) mismatched=(\\d+) unconfirmed=(\\d+) "
      + "conserved=(true|false)");
  /** A tiny fetch size, so that every cursor really streams in many round trips, interleaved on one connection. */
  private static final int FETCH_SIZE = 3;

  /** Shared by the tests (creating databases is slow), emptied before each. */
  private static HandBuiltBank bank;

  @BeforeAll
  static void createDatabases() throws Exception {
    bank = new HandBuiltBank(List.of("p1", "p2"), List.of("c1", "c2"));
  }

  @AfterAll
  static void dropDatabases() {
    if (bank != null) {
      bank.close();
    }
  }

  @BeforeEach
  void emptyDatabases() throws Exception {
    bank.reset();
  }

  /** The audit's printed result: exit code, every line, and the final line's fields. */
  record Audit(int exitCode, List<String> lines, long transfers, long finals, long ok, long rejected, long pending,
      long lost, long duplicated, long mismatched, long unconfirmed, boolean conserved) {
    String output() {
      return String.join("\n", lines);
    }

    /** The violations other than the named ones are all zero, money included unless told. */
    void onlyViolation(String counter) {
      assertEquals("lost".equals(counter) ? 1 : 0, lost, output());
      assertEquals("duplicated".equals(counter) ? 1 : 0, duplicated, output());
      assertEquals("mismatched".equals(counter) ? 1 : 0, mismatched, output());
      assertEquals("unconfirmed".equals(counter) ? 1 : 0, unconfirmed, output());
      assertEquals("pending".equals(counter) ? 1 : 0, pending, output());
      assertEquals(1, exitCode, output());
    }
  }

  private Audit audit() throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = new AuditRun(bank.auditor(FETCH_SIZE), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(Duration.ZERO);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    String last = lines.get(lines.size() - 1);
    Matcher matcher = FINAL_LINE.matcher(last);
    assertTrue(matcher.matches(), "last line has the exact form: " + last);
    assertEquals(1, lines.stream().filter(line -> line.startsWith("audit: transfers=")).count(), "one final line");
    return new Audit(exitCode, lines, number(matcher, 1), number(matcher, 2), number(matcher, 3), number(matcher, 4),
        number(matcher, 5), number(matcher, 6), number(matcher, 7), number(matcher, 8), number(matcher, 9),
        Boolean.parseBoolean(matcher.group(10)));
  }

  private static long number(Matcher matcher, int group) {
    return Long.parseLong(matcher.group(group));
  }

  private static void assertPrinted(Audit audit, String kind, Object offender) {
    assertTrue(audit.lines().stream().anyMatch(line -> line.startsWith("audit:   " + kind + " " + offender)),
        kind + " " + offender + " printed in:\n" + audit.output());
  }

  /** One of each kind of consistent transfer. */
  private void baseline() {
    bank.ok("p1", "c1", 0, 0, "10.00");
    bank.ok("p1", "c2", 1, 2, "0.01");
    bank.rejected("p1", "c1", 2, 9, "5.50", "ACCOUNT_CLOSED");
    bank.rejectedAtOnce("p1", "c2", 3, 1, "999999.00");
    bank.refused("p1", "c1", 4, 1, "1.00");
  }

  @Test
  void aConsistentSetPassesWithMoneyConserved() throws Exception {
    for (int i = 0; i < 40; i++) {
      String producer = i % 2 == 0 ? "p1" : "p2";
      String consumer = i % 3 == 0 ? "c1" : "c2";
      switch (i % 8) {
        case 5 -> bank.rejected(producer, consumer, i % 10, 9, "3.00", "ACCOUNT_CLOSED");
        case 6 -> bank.rejectedAtOnce(producer, consumer, i % 10, 1, "5000.00");
        case 7 -> bank.refused(producer, consumer, i % 10, 1, "2.00");
        default -> bank.ok(producer, consumer, i % 10, i % 7, (i + 1) + ".25");
      }
    }

    Audit audit = audit();

    assertEquals(0, audit.exitCode(), audit.output());
    assertEquals(35, audit.transfers(), audit.output());
    assertEquals(35, audit.finals());
    assertEquals(25, audit.ok());
    assertEquals(10, audit.rejected());
    assertEquals(0, audit.pending() + audit.lost() + audit.duplicated() + audit.mismatched() + audit.unconfirmed());
    assertTrue(audit.conserved());
    assertTrue(audit.output().contains("audit: money EUR opening=20000.00 "), audit.output());
    assertFalse(audit.output().contains("VIOLATION"), audit.output());
  }

  @Test
  void anAcknowledgedSubmissionMissingAtItsProducerIsLost() throws Exception {
    baseline();
    UUID lost = bank.newId();
    bank.submission(lost, "p1", "c1", 5, 5, "7.00", true);

    Audit audit = audit();

    audit.onlyViolation("lost");
    assertEquals(5, audit.transfers());
    assertEquals(4, audit.finals());
    assertTrue(audit.conserved());
    assertPrinted(audit, "lost", lost);
  }

  @Test
  void aTransferNobodySubmittedIsReportedAsUnknownAndCountedLost() throws Exception {
    baseline();
    UUID unknown = bank.ok("p1", "c1", 6, 6, "4.00");
    Jdbc.execute(bank.injector.dataSource(), "DELETE FROM submitted WHERE id = ?", unknown);

    Audit audit = audit();

    audit.onlyViolation("lost");
    assertEquals(4, audit.transfers(), "the unknown transfer is not an acknowledged submission");
    assertTrue(audit.output().contains("VIOLATION unknown=1"), audit.output());
    assertPrinted(audit, "unknown", unknown);
  }

  @Test
  void aDifferentCauseAtTheConsumerIsAMismatch() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.submission(id, "p1", "c1", 5, 8, "150.00", true);
    bank.transfer(id, "p1", "c1", 5, 8, "150.00", "REJECTED", "ACCOUNT_CLOSED", true);
    HandBuiltBank.entry(bank.producerDb("p1"), id, "DEBIT", "p1-0005", "150.00");
    HandBuiltBank.entry(bank.producerDb("p1"), id, "REFUND", "p1-0005", "150.00");
    bank.posting(id, "p1", "c1", 5, 8, "150.00", "REJECTED", "OVER_LIMIT", true);

    Audit audit = audit();

    audit.onlyViolation("mismatched");
    assertTrue(audit.conserved());
    assertPrinted(audit, "mismatched", id);
  }

  @Test
  void okAtTheProducerButRejectedAtTheConsumerIsAMismatchAndAMissingCredit() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.submission(id, "p1", "c1", 5, 9, "20.00", true);
    bank.transfer(id, "p1", "c1", 5, 9, "20.00", "OK", null, true);
    HandBuiltBank.entry(bank.producerDb("p1"), id, "DEBIT", "p1-0005", "20.00");
    bank.posting(id, "p1", "c1", 5, 9, "20.00", "REJECTED", "ACCOUNT_CLOSED", true);

    Audit audit = audit();

    assertEquals(1, audit.mismatched(), audit.output());
    assertEquals(1, audit.duplicated(), "the OK transfer was never credited");
    assertEquals(1, audit.exitCode());
    assertPrinted(audit, "mismatched", id);
  }

  @Test
  void aPostingNoProducerHoldsIsAMismatch() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.posting(id, "p1", "c2", 1, 1, "3.00", "REJECTED", "ACCOUNT_CLOSED", true);

    Audit audit = audit();

    audit.onlyViolation("mismatched");
    assertPrinted(audit, "mismatched", id);
  }

  @Test
  void aSecondCreditAtAnotherConsumerIsDuplicatedAndCreatesMoney() throws Exception {
    baseline();
    UUID id = bank.ok("p1", "c1", 7, 3, "12.34");
    HandBuiltBank.entry(bank.consumerDb("c2"), id, "CREDIT", "c2-0003", "12.34");

    Audit audit = audit();

    audit.onlyViolation("duplicated");
    assertFalse(audit.conserved(), audit.output());
    assertTrue(audit.output().contains("difference=-12.34"), audit.output());
    assertPrinted(audit, "duplicated", id);
  }

  @Test
  void aRejectedTransferWithoutItsRefundIsDuplicated() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.submission(id, "p1", "c1", 8, 9, "30.00", true);
    bank.transfer(id, "p1", "c1", 8, 9, "30.00", "REJECTED", "ACCOUNT_CLOSED", true);
    HandBuiltBank.entry(bank.producerDb("p1"), id, "DEBIT", "p1-0008", "30.00");
    bank.posting(id, "p1", "c1", 8, 9, "30.00", "REJECTED", "ACCOUNT_CLOSED", true);

    Audit audit = audit();

    audit.onlyViolation("duplicated");
    assertPrinted(audit, "duplicated", id);
    assertTrue(audit.output().contains("expects 1 DEBIT 1 REFUND 0 CREDIT, found 1 DEBIT 0 REFUND 0 CREDIT"),
        audit.output());
  }

  @Test
  void aCreditOfTheWrongAmountIsDuplicated() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.submission(id, "p1", "c2", 8, 4, "30.00", true);
    bank.transfer(id, "p1", "c2", 8, 4, "30.00", "OK", null, true);
    HandBuiltBank.entry(bank.producerDb("p1"), id, "DEBIT", "p1-0008", "30.00");
    bank.posting(id, "p1", "c2", 8, 4, "30.00", "OK", null, true);
    HandBuiltBank.entry(bank.consumerDb("c2"), id, "CREDIT", "c2-0004", "3.00");

    Audit audit = audit();

    audit.onlyViolation("duplicated");
    assertFalse(audit.conserved(), "27.00 vanished");
    assertPrinted(audit, "duplicated", id);
  }

  @Test
  void aFinalOutcomeNotConfirmedAtTheConsumerIsUnconfirmed() throws Exception {
    baseline();
    UUID id = bank.newId();
    bank.submission(id, "p1", "c2", 2, 2, "8.00", true);
    bank.transfer(id, "p1", "c2", 2, 2, "8.00", "OK", null, true);
    HandBuiltBank.entry(bank.producerDb("p1"), id, "DEBIT", "p1-0002", "8.00");
    bank.posting(id, "p1", "c2", 2, 2, "8.00", "OK", null, false);
    HandBuiltBank.entry(bank.consumerDb("c2"), id, "CREDIT", "c2-0002", "8.00");

    Audit audit = audit();

    audit.onlyViolation("unconfirmed");
    assertTrue(audit.conserved());
    assertPrinted(audit, "unconfirmed", id);
  }

  @Test
  void aBalanceMovedWithoutAnEntryBreaksConservation() throws Exception {
    baseline();
    Jdbc.execute(bank.consumerDb("c1"), "UPDATE accounts SET balance = balance + 0.01 WHERE id = 'c1-0005'");

    Audit audit = audit();

    audit.onlyViolation("duplicated");
    assertFalse(audit.conserved(), audit.output());
    assertTrue(audit.output().contains("difference=-0.01"), audit.output());
    assertPrinted(audit, "balance", "c1-0005@c1");
  }

  @Test
  void aTransferStillUnfinishedIsPendingAndItsMoneyInFlight() throws Exception {
    baseline();
    UUID id = bank.pending("p1", "c1", 9, 3, "42.00");

    Audit audit = audit();

    audit.onlyViolation("pending");
    assertEquals(5, audit.transfers());
    assertEquals(4, audit.finals());
    assertTrue(audit.conserved(), "the debited amount is in flight: " + audit.output());
    assertTrue(audit.output().contains("in_flight=42.00"), audit.output());
    assertPrinted(audit, "pending", id);
  }

  @Test
  void aNegativeBalanceIsReported() throws Exception {
    baseline();
    Jdbc.execute(bank.producerDb("p1"), "ALTER TABLE accounts DROP CONSTRAINT accounts_balance_check, "
        + "DROP CONSTRAINT accounts_opening_balance_check");
    Jdbc.execute(bank.producerDb("p1"), "UPDATE accounts SET balance = -1.00, opening_balance = -1.00 "
        + "WHERE id = 'p1-0009'");

    try {
      Audit audit = audit();

      assertEquals(1, audit.exitCode(), audit.output());
      assertEquals(1, audit.duplicated(), audit.output());
      assertTrue(audit.conserved(), audit.output());
      assertPrinted(audit, "negative", "p1-0009@p1");
    } finally {
      Jdbc.execute(bank.producerDb("p1"), "UPDATE accounts SET balance = 0, opening_balance = 0 WHERE id = 'p1-0009'");
      Jdbc.execute(bank.producerDb("p1"), "ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check "
          + "CHECK (balance >= 0), ADD CONSTRAINT accounts_opening_balance_check CHECK (opening_balance >= 0)");
    }
  }

  @Test
  void waitingForQuietEndsAtOnceWhenQuietAndAtTheDeadlineWhenNot() throws Exception {
    baseline();
    Auditor auditor = bank.auditor(FETCH_SIZE);
    assertTrue(auditor.waitForQuiet(Duration.ofSeconds(30), Duration.ofMillis(50), activity -> {}).quiet());

    bank.pending("p1", "c1", 9, 3, "1.00");
    UUID unconfirmed = bank.newId();
    bank.posting(unconfirmed, "p1", "c2", 1, 1, "1.00", "OK", null, false);
    long start = System.nanoTime();
    Auditor.Activity activity = auditor.waitForQuiet(Duration.ofMillis(300), Duration.ofMillis(50), seen -> {});
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(new Auditor.Activity(1, 1), activity);
    assertTrue(elapsedMillis >= 300 && elapsedMillis < 5_000, "waited " + elapsedMillis + " ms");
  }

  @Test
  void moneyIsComparedToTheCentWithDecimals() {
    AuditTally tally = new AuditTally(5);
    tally.addMoney(tally.openingByCurrency, "EUR", new BigDecimal("0.30"));
    tally.addMoney(tally.balanceByCurrency, "EUR", new BigDecimal("0.1"));
    tally.addMoney(tally.balanceByCurrency, "EUR", new BigDecimal("0.20"));
    assertTrue(tally.report().conserved(), "0.1 + 0.20 == 0.30 exactly");
    tally.addMoney(tally.inFlightByCurrency, "EUR", new BigDecimal("0.01"));
    assertFalse(tally.report().conserved());
  }
}

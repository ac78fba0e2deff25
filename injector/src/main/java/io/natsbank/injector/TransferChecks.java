package io.natsbank.injector;

import io.natsbank.injector.AuditRows.EntryRow;
import io.natsbank.injector.AuditRows.PostingRow;
import io.natsbank.injector.AuditRows.SubmissionRow;
import io.natsbank.injector.AuditRows.TransferRow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-transfer invariants of DESIGN.md, checked on the evidence every database holds about one
 * id. Pure: no I/O; each violated kind is counted once per transfer, with the reasons joined.
 *
 * <ol>
 *   <li>an acknowledged submission has a final outcome at its producer (missing: lost; unfinished:
 *       pending); a transfer nobody submitted is unknown;
 *   <li>producer and consumer agree on the terms, the outcome and the cause (else mismatched);
 *   <li>no effect twice: the entries are exactly those the outcome implies, on the right accounts,
 *       for the transfer's amount (else duplicated);
 *   <li>money in flight: debited, not refunded, not credited;
 *   <li>a final outcome of a sent transfer is confirmed at the consumer (else unconfirmed).
 * </ol>
 */
public final class TransferChecks {

  public void check(TransferEvidence evidence, AuditTally tally) {
    Findings findings = new Findings();
    SubmissionRow submission = evidence.submission();
    boolean acknowledged = submission != null && submission.acknowledged();
    if (acknowledged) {
      tally.transfers++;
    }
    TransferRow transfer = pickTransfer(evidence, findings);
    if (transfer == null) {
      checkAbsentAtProducers(evidence, acknowledged, findings);
    } else {
      checkHeld(evidence, transfer, acknowledged, tally, findings);
      checkAgreement(evidence, transfer, findings);
      checkEntries(evidence, transfer, findings);
    }
    checkEntryAccountsExist(evidence, tally);
    countInFlight(evidence, tally);
    findings.reportTo(tally, evidence.id().toString());
  }

  /** The transfer row to judge: the one at the producer it was submitted to, else the first one found. */
  private static TransferRow pickTransfer(TransferEvidence evidence, Findings findings) {
    if (evidence.transfers.isEmpty()) {
      return null;
    }
    if (evidence.transfers.size() > 1) {
      findings.add(Violation.DUPLICATED, "held by " + evidence.transfers.size() + " producers "
          + evidence.transfers.stream().map(TransferRow::database).toList());
    }
    SubmissionRow submission = evidence.submission();
    if (submission != null) {
      for (TransferRow row : evidence.transfers) {
        if (row.database().equals(submission.terms().producer())) {
          return row;
        }
      }
    }
    return evidence.transfers.get(0);
  }

  private static void checkAbsentAtProducers(TransferEvidence evidence, boolean acknowledged, Findings findings) {
    if (acknowledged) {
      findings.add(Violation.LOST, "acknowledged by " + evidence.submission().terms().producer()
          + ", missing there");
    }
    for (PostingRow posting : evidence.postings) {
      findings.add(Violation.MISMATCHED, "posting " + posting.decision() + " at consumer " + posting.database()
          + " but no transfer at any producer");
    }
    if (!evidence.producerEntries.isEmpty() || !evidence.consumerEntries.isEmpty()) {
      findings.add(Violation.DUPLICATED, "entries " + describe(evidence.producerEntries, evidence.consumerEntries)
          + " but no transfer at any producer");
    }
  }

  private static void checkHeld(TransferEvidence evidence, TransferRow transfer, boolean acknowledged,
      AuditTally tally, Findings findings) {
    SubmissionRow submission = evidence.submission();
    if (submission == null) {
      findings.add(Violation.UNKNOWN, "held by producer " + transfer.database() + " as " + transfer.status()
          + ", never submitted by the injector");
    } else if (!submission.terms().sameAs(transfer.terms())) {
      findings.add(Violation.MISMATCHED, "submitted as " + submission.terms() + ", held by producer "
          + transfer.database() + " as " + transfer.terms());
    }
    if (!transfer.terms().producer().equals(transfer.database())) {
      findings.add(Violation.MISMATCHED, "names producer " + transfer.terms().producer() + " but is held by "
          + transfer.database());
    }
    if (acknowledged && transfer.isFinal()) {
      tally.finals++;
      if ("OK".equals(transfer.status())) {
        tally.ok++;
      } else {
        tally.rejected++;
      }
    }
    if (submission != null && !acknowledged) {
      tally.heldUnacknowledged++;
    }
    if (!transfer.isFinal()) {
      findings.add(Violation.PENDING, transfer.status() + " at producer " + transfer.database()
          + (acknowledged ? "" : " (acknowledgement never reached the injector)"));
    }
  }

  private static void checkAgreement(TransferEvidence evidence, TransferRow transfer, Findings findings) {
    PostingRow posting = null;
    for (PostingRow row : evidence.postings) {
      if (row.database().equals(transfer.terms().consumer()) && posting == null) {
        posting = row;
      } else {
        findings.add(Violation.MISMATCHED, "posting at consumer " + row.database() + ", but the transfer goes to "
            + transfer.terms().consumer());
      }
    }
    if (!transfer.sent()) {
      if (!"REJECTED".equals(transfer.status())) {
        findings.add(Violation.MISMATCHED, "never sent, yet " + transfer.status() + " at the producer");
      }
      if (posting != null) {
        findings.add(Violation.MISMATCHED, "rejected at once by the producer, yet decided " + posting.decision()
            + " at consumer " + posting.database());
      }
      return;
    }
    if (posting != null && !posting.terms().sameAs(transfer.terms())) {
      findings.add(Violation.MISMATCHED, "producer holds " + transfer.terms() + ", consumer holds "
          + posting.terms());
    }
    if (!transfer.isFinal()) {
      return;
    }
    if (posting == null) {
      findings.add(Violation.MISMATCHED, transfer.status() + " at producer " + transfer.database()
          + ", missing at consumer " + transfer.terms().consumer());
    } else if (!transfer.status().equals(posting.decision()) || !Objects.equals(transfer.cause(), posting.cause())) {
      findings.add(Violation.MISMATCHED, "producer says " + outcome(transfer.status(), transfer.cause())
          + ", consumer says " + outcome(posting.decision(), posting.cause()));
    } else if (!posting.confirmed()) {
      findings.add(Violation.UNCONFIRMED, transfer.status() + " at both ends, not confirmed at consumer "
          + posting.database());
    }
  }

  /** Exactly the entries the state implies: one DEBIT once sent, one REFUND if REJECTED, one CREDIT if OK. */
  private static void checkEntries(TransferEvidence evidence, TransferRow transfer, Findings findings) {
    int debits = 0;
    int refunds = 0;
    int credits = 0;
    List<String> wrong = new ArrayList<>();
    for (EntryRow entry : evidence.producerEntries) {
      switch (entry.kind()) {
        case "DEBIT" -> debits++;
        case "REFUND" -> refunds++;
        default -> wrong.add(entry.kind() + " entry at producer " + entry.database());
      }
      checkEntry(entry, transfer, transfer.database(), transfer.terms().payer(), wrong);
    }
    for (EntryRow entry : evidence.consumerEntries) {
      if ("CREDIT".equals(entry.kind())) {
        credits++;
      } else {
        wrong.add(entry.kind() + " entry at consumer " + entry.database());
      }
      checkEntry(entry, transfer, transfer.terms().consumer(), transfer.terms().payee(), wrong);
    }
    int[] expected = expectedEntries(evidence, transfer);
    if (debits != expected[0] || refunds != expected[1] || credits != expected[2]) {
      wrong.add(0, transfer.status() + (transfer.sent() ? "" : " never sent") + " expects " + expected[0]
          + " DEBIT " + expected[1] + " REFUND " + expected[2] + " CREDIT, found " + debits + " DEBIT " + refunds
          + " REFUND " + credits + " CREDIT");
    }
    wrong.forEach(reason -> findings.add(Violation.DUPLICATED, reason));
  }

  /** {DEBIT, REFUND, CREDIT} counts the transfer's state implies. */
  private static int[] expectedEntries(TransferEvidence evidence, TransferRow transfer) {
    if (!transfer.sent()) {
      return new int[] {0, 0, 0};
    }
    return switch (transfer.status()) {
      case "OK" -> new int[] {1, 0, 1};
      case "REJECTED" -> new int[] {1, 1, 0};
      default -> {
        // not final at the producer yet: the consumer may have decided already
        boolean decidedOk = evidence.postings.stream()
            .anyMatch(posting -> posting.database().equals(transfer.terms().consumer())
                && "OK".equals(posting.decision()));
        yield new int[] {1, 0, decidedOk ? 1 : 0};
      }
    };
  }

  private static void checkEntry(EntryRow entry, TransferRow transfer, String database, String account,
      List<String> wrong) {
    if (!entry.database().equals(database) || !entry.account().equals(account)) {
      wrong.add(entry.kind() + " on " + entry.account() + " at " + entry.database() + ", expected " + account
          + " at " + database);
    }
    if (entry.amount().compareTo(transfer.terms().amount()) != 0) {
      wrong.add(entry.kind() + " of " + entry.amount().toPlainString() + " for a transfer of "
          + transfer.terms().amount().toPlainString());
    }
  }

  /** Counted per entry, as an account-level problem: an entry's account must exist in its database. */
  private static void checkEntryAccountsExist(TransferEvidence evidence, AuditTally tally) {
    for (List<EntryRow> entries : List.of(evidence.producerEntries, evidence.consumerEntries)) {
      for (EntryRow entry : entries) {
        if (entry.currency() == null) {
          tally.offend(Violation.UNKNOWN_ACCOUNT, evidence.id() + " (" + entry.kind() + " on " + entry.account()
              + ", unknown at " + entry.database() + ")");
        }
      }
    }
  }

  /** Money that left the payer and has neither come back nor reached the payee. */
  private static void countInFlight(TransferEvidence evidence, AuditTally tally) {
    EntryRow debit = null;
    boolean refunded = false;
    for (EntryRow entry : evidence.producerEntries) {
      if ("DEBIT".equals(entry.kind()) && debit == null) {
        debit = entry;
      } else if ("REFUND".equals(entry.kind())) {
        refunded = true;
      }
    }
    if (debit != null && !refunded && evidence.consumerEntries.isEmpty()) {
      tally.addMoney(tally.inFlightByCurrency, debit.currency(), debit.amount());
    }
  }

  private static String outcome(String status, String cause) {
    return cause == null ? status : status + "/" + cause;
  }

  private static String describe(List<EntryRow> producerEntries, List<EntryRow> consumerEntries) {
    List<String> parts = new ArrayList<>();
    producerEntries.forEach(entry -> parts.add(entry.kind() + "@" + entry.database()));
    consumerEntries.forEach(entry -> parts.add(entry.kind() + "@" + entry.database()));
    return parts.toString();
  }

  /** The reasons found for one transfer, grouped by kind. */
  private static final class Findings {
    private final Map<Violation, List<String>> reasons = new EnumMap<>(Violation.class);

    void add(Violation kind, String reason) {
      reasons.computeIfAbsent(kind, k -> new ArrayList<>()).add(reason);
    }

    void reportTo(AuditTally tally, String id) {
      reasons.forEach((kind, list) -> tally.offend(kind, id + " (" + String.join("; ", list) + ")"));
    }
  }
}

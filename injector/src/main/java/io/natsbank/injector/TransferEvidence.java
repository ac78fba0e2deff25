package io.natsbank.injector;

import io.natsbank.injector.AuditRows.EntryRow;
import io.natsbank.injector.AuditRows.PostingRow;
import io.natsbank.injector.AuditRows.SubmissionRow;
import io.natsbank.injector.AuditRows.TransferRow;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Everything every database holds about one transfer id, gathered by the audit's merge. Reused id after id. */
public final class TransferEvidence {
  private UUID id;
  private SubmissionRow submission;
  final List<TransferRow> transfers = new ArrayList<>(1);
  final List<PostingRow> postings = new ArrayList<>(1);
  final List<EntryRow> producerEntries = new ArrayList<>(2);
  final List<EntryRow> consumerEntries = new ArrayList<>(1);

  public void reset(UUID newId) {
    id = newId;
    submission = null;
    transfers.clear();
    postings.clear();
    producerEntries.clear();
    consumerEntries.clear();
  }

  public UUID id() {
    return id;
  }

  public SubmissionRow submission() {
    return submission;
  }

  public void addSubmission(SubmissionRow row) {
    submission = row;
  }

  public void addTransfer(TransferRow row) {
    transfers.add(row);
  }

  public void addPosting(PostingRow row) {
    postings.add(row);
  }

  public void addProducerEntry(EntryRow row) {
    producerEntries.add(row);
  }

  public void addConsumerEntry(EntryRow row) {
    consumerEntries.add(row);
  }
}

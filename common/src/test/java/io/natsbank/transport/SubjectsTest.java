package io.natsbank.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.TransferTerms;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectsTest {
  private static final UUID TRANSFER_ID = UUID.fromString("0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b");
  private final Subjects subjects = new Subjects(Subjects.DEFAULT_PREFIX);

  @Test
  void eachParticipantHasItsOwnSubjects() {
    assertEquals("nb.postings.bank-b", subjects.postings("bank-b"));
    assertEquals("nb.results.bank-a", subjects.results("bank-a"));
    assertEquals("nb.api.bank-a.submit", subjects.submit("bank-a"));
    assertEquals("nb.api.bank-a.status", subjects.status("bank-a"));
  }

  @Test
  void prefixMayHaveSeveralTokens() {
    Subjects testRun = new Subjects("test.run-7_a");

    assertEquals("test.run-7_a.postings.bank-b", testRun.postings("bank-b"));
    assertEquals("test.run-7_a.api.bank-a.status", testRun.status("bank-a"));
  }

  @Test
  void postingsAndConfirmsGoToTheConsumerAndResponsesToTheProducer() {
    TransferTerms terms =
        new TransferTerms("bank-a", "bank-b", "alice", "bob", Money.parsePositive("1", Currency.EUR));

    assertEquals("nb.postings.bank-b", subjects.destination(new Posting(TRANSFER_ID, terms, 1)));
    assertEquals("nb.postings.bank-b",
        subjects.destination(new Confirm(TRANSFER_ID, "bank-a", "bank-b", Outcome.OK)));
    assertEquals("nb.results.bank-a",
        subjects.destination(new Response(TRANSFER_ID, "bank-a", "bank-b", Outcome.ACK, null, null, 1)));
  }

  @Test
  void onlyPostingAndResultSubjectsOfThisPrefixAreProtocol() {
    assertTrue(subjects.isProtocol("nb.postings.bank-b"));
    assertTrue(subjects.isProtocol("nb.results.bank-a"));
    assertFalse(subjects.isProtocol("nb.api.bank-a.submit"));
    assertFalse(subjects.isProtocol("nb.api.bank-a.status"));
    assertFalse(subjects.isProtocol("other.postings.bank-b"));
    assertFalse(subjects.isProtocol("nbx.postings.bank-b"));
    assertFalse(subjects.isProtocol("nb.postings"));
    assertFalse(subjects.isProtocol("_INBOX.abc"));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", ".", "nb.", ".nb", "nb..x", "nb.*", "nb.>", "n b", "nb\t", "nb.é"})
  void prefixMustBeDotSeparatedPlainTokens(String prefix) {
    assertThrows(IllegalArgumentException.class, () -> new Subjects(prefix));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", ">", "bank.b", "Bank-B", "", "bank b"})
  void participantNamesThatWouldBreakTheSubjectAreRefused(String name) {
    assertThrows(IllegalArgumentException.class, () -> subjects.postings(name));
    assertThrows(IllegalArgumentException.class, () -> subjects.results(name));
    assertThrows(IllegalArgumentException.class, () -> subjects.submit(name));
    assertThrows(IllegalArgumentException.class, () -> subjects.status(name));
  }
}

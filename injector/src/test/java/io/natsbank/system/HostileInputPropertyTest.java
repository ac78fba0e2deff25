package io.natsbank.system;

import io.natsbank.system.HostileMessages.Hostile;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input at running services (part 4 of the reliability issue): the hand-written corpus of
 * {@link HostileMessages} and a jqwik generator of more, for every subject and every API request.
 * Each message is sent on its own, and must be refused with one of its expected causes, counted
 * exactly once, and change nothing (no row, no balance, no failed handler, every service still
 * ready). Afterwards real transfers still go through and the injector's audit is clean.
 *
 * <p>One bank serves the whole class: starting one costs seconds, a hostile message milliseconds.
 */
class HostileInputPropertyTest {
  /** Tries of the generated property: modest, so that the class ends well within a minute. */
  static final int TRIES = 400;

  private static HostileBank bank;

  @BeforeContainer
  static void startTheBank() {
    bank = HostileBank.start();
  }

  @AfterContainer
  static void auditAndStop() {
    if (bank == null) {
      return;
    }
    try {
      bank.assertStillWorkingAndAuditClean();
    } finally {
      bank.close();
    }
  }

  @Example
  void everyMessageOfTheCorpusIsRefusedCountedAndChangesNothing() {
    List<Hostile> corpus = HostileMessages.corpus(bank.known);
    corpus.forEach(bank::fireAndCheck);
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  void generatedHostileMessagesAreRefusedCountedAndChangeNothing(@ForAll("hostile") Hostile hostile) {
    bank.fireAndCheck(hostile);
  }

  @Provide
  Arbitrary<Hostile> hostile() {
    return HostileMessages.arbitrary(bank.known);
  }
}

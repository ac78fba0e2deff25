package io.natsbank.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The producer's own options, parsed as its main parses them; nothing is started. */
class ProducerMainTest {

  private static ProducerConfig parse(String... extra) {
    ProducerMain main = new ProducerMain();
    String[] args = new String[extra.length + 4];
    args[0] = "--name";
    args[1] = "bank-p1";
    args[2] = "--consumers";
    args[3] = "bank-c1";
    System.arraycopy(extra, 0, args, 4, extra.length);
    new CommandLine(main).parseArgs(args);
    return main.config();
  }

  @Test
  void theBoundOfUnfinishedTransfersDefaultsTo2000AndTakesTheFlag() {
    if (System.getenv("NATSBANK_UNFINISHED_MAX") == null) {
      assertEquals(2_000, parse().unfinishedMax());
    }
    assertEquals(ProducerConfig.UNFINISHED_MAX_DEFAULT, 2_000, "the option's default and the record's agree");
    assertEquals(5, parse("--unfinished-max", "5").unfinishedMax());
    assertEquals(1_000_000, parse("--unfinished-max", "1000000").unfinishedMax());
  }

  @Test
  void aBoundOutsideItsRangeIsRefusedNamingTheOption() {
    for (String value : new String[] {"0", "-3", "1000001"}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> parse("--unfinished-max", value));
      assertTrue(refused.getMessage().contains("--unfinished-max"), refused.getMessage());
      assertTrue(refused.getMessage().contains("1..1000000"), refused.getMessage());
      assertTrue(refused.getMessage().contains("got " + value), refused.getMessage());
    }
  }

  @Test
  void framesHold256MessagesUnlessToldAndOutOfRangeIsRefusedNamingTheOption() {
    if (System.getenv("NATSBANK_FRAME_MESSAGES_MAX") == null) {
      assertEquals(256, parse().nats().frameMessagesMax());
    }
    assertEquals(1, parse("--frame-messages-max", "1").nats().frameMessagesMax());
    assertEquals(1024, parse("--frame-messages-max", "1024").nats().frameMessagesMax());
    for (String value : new String[] {"0", "1025"}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> parse("--frame-messages-max", value));
      assertTrue(refused.getMessage().contains("--frame-messages-max"), refused.getMessage());
      assertTrue(refused.getMessage().contains("got " + value), refused.getMessage());
    }
  }

  @Test
  void aBoundThatIsNoNumberIsAUsageErrorNamingTheOption() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ProducerMain()).setErr(new PrintWriter(err));

    int exit = command.execute("--name", "bank-p1", "--consumers", "bank-c1", "--unfinished-max", "lots");

    assertEquals(2, exit);
    assertTrue(err.toString().contains("--unfinished-max"), err.toString());
  }

  @Test
  void helpExplainsTheBound() {
    String usage = new CommandLine(new ProducerMain()).getUsageMessage();
    assertTrue(usage.contains("--unfinished-max"), usage);
    assertTrue(usage.contains("NATSBANK_UNFINISHED_MAX"), usage);
    assertTrue(usage.contains("BUSY"), usage);
  }
}

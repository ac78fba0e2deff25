package io.natsbank.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class InjectorMainTest {

  @Test
  void everyOptionOfEveryCommandNamesItsEnvironmentVariableAndDefault() {
    CommandLine root = new CommandLine(new InjectorMain());
    assertEquals(List.of("setup", "fire", "audit", "status", "watch", "bench", "help"),
        List.copyOf(root.getSubcommands().keySet()));
    for (String name : List.of("setup", "fire", "audit", "status", "watch")) {
      for (OptionSpec option : root.getSubcommands().get(name).getCommandSpec().options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        String description = String.join(" ", option.description());
        assertTrue(description.contains("env NATSBANK_"), name + " " + option.longestName() + ": " + description);
        assertTrue(description.contains("default"), name + " " + option.longestName() + ": " + description);
      }
    }
  }

  @Test
  void badUsageExitsTwoWithoutTouchingAnything() {
    assertEquals(0, InjectorMain.run("audit", "--help"));
    assertEquals(2, InjectorMain.run("fire", "--producers", "", "--consumers", "c1"));
    assertEquals(2, InjectorMain.run("fire", "--producers", "Not_A_Name", "--consumers", "c1"));
    assertEquals(2, InjectorMain.run("setup", "--producers", "p1", "--consumers", "p1"));
    assertEquals(2, InjectorMain.run("status", "not-a-uuid", "--producer", "p1"));
    assertEquals(2, InjectorMain.run("watch", "--producers", "p1", "--consumers", "c1", "--interval-millis", "1"));
    assertEquals(2, InjectorMain.run("fire", "--no-such-option"));
    assertEquals(2, InjectorMain.run("bench", "closed", "--producers", "p1", "--consumers", "c1",
        "--submit-batch-max", "0"));
    assertEquals(2, InjectorMain.run("bench", "open", "--producers", "p1", "--consumers", "c1", "--rate", "10",
        "--submit-batch-max", "257"));
  }
}

package io.natsbank.injector;

import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Creates every participant's database (and the injector's own, natsbank_injector) if absent, migrates "
            + "its schema and seeds accounts <participant>-0000.. idempotently.",
        "Producers' payer accounts get the opening balance; consumers' payee accounts start at 0, every "
            + "50th one closed (index % 50 = 49) and one in 50 capped at 100.00 per transfer (index % 50 = 48)."})
final class SetupCommand implements Callable<Integer> {
  @Mixin ParticipantOptions participants;
  @Mixin DatabaseTemplateOptions database;

  @Option(names = "--accounts", paramLabel = "N", defaultValue = "${env:NATSBANK_ACCOUNTS:-100}",
      description = "Accounts per participant, 1..9999 (env NATSBANK_ACCOUNTS, default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--opening-balance", paramLabel = "AMOUNT", defaultValue = "${env:NATSBANK_OPENING_BALANCE:-1000.00}",
      description = "Opening balance of each payer account (env NATSBANK_OPENING_BALANCE, default ${DEFAULT-VALUE}).")
  String openingBalance;

  @Option(names = "--currency", paramLabel = "CODE", defaultValue = "${env:NATSBANK_CURRENCY:-EUR}",
      description = "Currency of every account (env NATSBANK_CURRENCY, default ${DEFAULT-VALUE}).")
  String currency;

  @Option(names = "--reset", defaultValue = "${env:NATSBANK_RESET:-false}",
      description = "Drop the databases first (ending their sessions) and start afresh (env NATSBANK_RESET, "
          + "default ${DEFAULT-VALUE}).")
  boolean reset;

  @Override
  public Integer call() throws Exception {
    Money opening = Money.parseBalance(openingBalance, Currency.parse(currency));
    Setup.Settings settings = new Setup.Settings(participants.producers(), participants.consumers(), accounts,
        opening, reset);
    new Setup(database.databases(), System.out).run(settings);
    return InjectorMain.EXIT_OK;
  }
}

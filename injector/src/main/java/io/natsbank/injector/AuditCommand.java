package io.natsbank.injector;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Checks every invariant across all participant databases and the injector's record: every acknowledged "
            + "transfer final at its producer, producer and consumer agree, no effect twice, money conserved to the "
            + "cent, no negative balance or unknown account, every final outcome confirmed.",
        "Prints offending transfer ids, ends with one line 'audit: transfers=N final=N ok=N rejected=N pending=N "
            + "lost=N duplicated=N mismatched=N unconfirmed=N conserved=true|false' and exits 1 on any violation."})
final class AuditCommand implements Callable<Integer> {
  @Mixin ParticipantOptions participants;
  @Mixin DatabaseTemplateOptions database;

  @Option(names = "--wait-quiet-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:NATSBANK_WAIT_QUIET_SECONDS:-0}",
      description = "First wait at most this long, polling every second, until no transfer is unfinished at a "
          + "producer and no decision unconfirmed at a consumer (env NATSBANK_WAIT_QUIET_SECONDS, "
          + "default ${DEFAULT-VALUE}: audit at once).")
  long waitQuietSeconds;

  @Option(names = "--fetch-size", paramLabel = "ROWS", defaultValue = "${env:NATSBANK_AUDIT_FETCH_SIZE:-10000}",
      description = "Rows fetched per round trip while streaming (env NATSBANK_AUDIT_FETCH_SIZE, "
          + "default ${DEFAULT-VALUE}).")
  int fetchSize;

  @Option(names = "--show", paramLabel = "N", defaultValue = "${env:NATSBANK_AUDIT_SHOW:-20}",
      description = "Offenders printed per kind of violation (env NATSBANK_AUDIT_SHOW, default ${DEFAULT-VALUE}).")
  int show;

  @Override
  public Integer call() throws Exception {
    List<String> producers = participants.producers();
    List<String> consumers = participants.consumers();
    Participants.requireDistinct(producers, consumers);
    ParticipantDatabases databases = database.databases();
    List<HikariDataSource> pools = new ArrayList<>();
    try {
      HikariDataSource injector = databases.openInjector();
      pools.add(injector);
      Auditor auditor = new Auditor(open(databases, producers, pools), open(databases, consumers, pools), injector,
          new Auditor.Settings(fetchSize, show, Auditor.Settings.DEFAULT.queryTimeoutSeconds()));
      return new AuditRun(auditor, System.out, System.err).run(Duration.ofSeconds(waitQuietSeconds));
    } finally {
      pools.forEach(HikariDataSource::close);
    }
  }

  private static Map<String, DataSource> open(ParticipantDatabases databases, List<String> names,
      List<HikariDataSource> pools) {
    Map<String, DataSource> opened = new LinkedHashMap<>();
    for (String name : names) {
      HikariDataSource pool = databases.openParticipant(name);
      pools.add(pool);
      opened.put(name, pool);
    }
    return opened;
  }
}

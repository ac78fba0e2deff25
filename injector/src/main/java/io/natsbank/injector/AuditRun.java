package io.natsbank.injector;

import java.io.PrintStream;
import java.time.Duration;

/** The audit as the command runs it: wait for quiet (bounded), audit, print, and say how it went. */
public final class AuditRun {
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  private static final long WAIT_REPORT_EVERY_POLLS = 5;

  private final Auditor auditor;
  private final PrintStream out;
  private final PrintStream err;

  public AuditRun(Auditor auditor, PrintStream out, PrintStream err) {
    this.auditor = auditor;
    this.out = out;
    this.err = err;
  }

  /** Returns the exit code: 0 when every invariant holds, 1 otherwise. */
  public int run(Duration waitQuiet) throws InterruptedException {
    if (!waitQuiet.isZero()) {
      long[] polls = {0};
      Auditor.Activity last = auditor.waitForQuiet(waitQuiet, POLL_INTERVAL, activity -> {
        if (polls[0]++ % WAIT_REPORT_EVERY_POLLS == 0) {
          err.println("audit: waiting for quiet: unfinished_transfers=" + activity.unfinishedTransfers()
              + " unconfirmed_postings=" + activity.unconfirmedPostings());
        }
      });
      err.println(last.quiet() ? "audit: quiet" : "audit: still busy after " + waitQuiet.toSeconds()
          + "s (unfinished_transfers=" + last.unfinishedTransfers() + " unconfirmed_postings="
          + last.unconfirmedPostings() + "), auditing anyway");
    }
    AuditReport report = auditor.audit();
    report.details().forEach(out::println);
    out.println(report.line());
    out.flush();
    return report.clean() ? InjectorMain.EXIT_OK : InjectorMain.EXIT_FAILED;
  }
}

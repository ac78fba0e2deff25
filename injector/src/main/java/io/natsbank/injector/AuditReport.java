package io.natsbank.injector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The audit's findings. {@link #line()} is the one-line verdict scripts grep:
 * {@code audit: transfers=N final=N ok=N rejected=N pending=N lost=N duplicated=N mismatched=N
 * unconfirmed=N conserved=true|false}, where transfers counts acknowledged submissions, lost includes
 * transfers nobody submitted, and duplicated includes account-level problems (see {@link Violation}).
 */
public record AuditReport(
    long transfers,
    long finals,
    long ok,
    long rejected,
    long heldUnacknowledged,
    Map<Violation, Long> counts,
    Map<Violation, List<String>> offenders,
    Map<String, BigDecimal> openingByCurrency,
    Map<String, BigDecimal> balanceByCurrency,
    Map<String, BigDecimal> inFlightByCurrency) {

  public long count(Violation kind) {
    return counts.getOrDefault(kind, 0L);
  }

  /** The sum of the kinds counted in one field of the final line. */
  public long counter(String field) {
    long sum = 0;
    for (Violation kind : Violation.values()) {
      if (kind.counter().equals(field)) {
        sum += count(kind);
      }
    }
    return sum;
  }

  /** Money is conserved in every currency: opening balances == balances + money in flight, to the cent. */
  public boolean conserved() {
    for (String currency : currencies()) {
      if (difference(currency).signum() != 0) {
        return false;
      }
    }
    return true;
  }

  /** opening - (balances + in flight) for one currency; zero when conserved. */
  public BigDecimal difference(String currency) {
    BigDecimal opening = openingByCurrency.getOrDefault(currency, BigDecimal.ZERO);
    BigDecimal balances = balanceByCurrency.getOrDefault(currency, BigDecimal.ZERO);
    BigDecimal inFlight = inFlightByCurrency.getOrDefault(currency, BigDecimal.ZERO);
    return opening.subtract(balances.add(inFlight));
  }

  private TreeSet<String> currencies() {
    TreeSet<String> currencies = new TreeSet<>(openingByCurrency.keySet());
    currencies.addAll(balanceByCurrency.keySet());
    currencies.addAll(inFlightByCurrency.keySet());
    return currencies;
  }

  public boolean clean() {
    return counts.values().stream().allMatch(count -> count == 0) && conserved();
  }

  /** The details: money per currency, then every kind of violation with its first offenders. */
  public List<String> details() {
    List<String> lines = new ArrayList<>();
    for (String currency : currencies()) {
      lines.add("audit: money " + currency + " opening=" + plain(openingByCurrency.get(currency))
          + " balances=" + plain(balanceByCurrency.get(currency)) + " in_flight="
          + plain(inFlightByCurrency.get(currency)) + " difference=" + difference(currency).toPlainString());
    }
    if (heldUnacknowledged > 0) {
      lines.add("audit: note: " + heldUnacknowledged + " transfers held by producers were submitted but their "
          + "acknowledgement never reached the injector (checked like the others, not counted in transfers)");
    }
    for (Violation kind : Violation.values()) {
      long count = count(kind);
      if (count == 0) {
        continue;
      }
      List<String> shown = offenders.getOrDefault(kind, List.of());
      lines.add("audit: VIOLATION " + kind.label() + "=" + count + " (" + kind.meaning() + ")"
          + (shown.size() < count ? ", first " + shown.size() + ":" : ":"));
      shown.forEach(offender -> lines.add("audit:   " + kind.label() + " " + offender));
    }
    return lines;
  }

  public String line() {
    return "audit: transfers=" + transfers + " final=" + finals + " ok=" + ok + " rejected=" + rejected
        + " pending=" + counter("pending") + " lost=" + counter("lost") + " duplicated=" + counter("duplicated")
        + " mismatched=" + counter("mismatched") + " unconfirmed=" + counter("unconfirmed")
        + " conserved=" + conserved();
  }

  private static String plain(BigDecimal amount) {
    return amount == null ? "0" : amount.toPlainString();
  }
}

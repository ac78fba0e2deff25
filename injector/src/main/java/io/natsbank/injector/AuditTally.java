package io.natsbank.injector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the audit has counted so far: transfers by outcome, violations with the first few offenders
 * of each kind, and money per currency. Single-threaded; turned into an {@link AuditReport} at the end.
 */
public final class AuditTally {
  private final int offendersShownMax;
  long transfers;
  long finals;
  long ok;
  long rejected;
  long heldUnacknowledged;
  private final Map<Violation, Long> counts = new EnumMap<>(Violation.class);
  private final Map<Violation, List<String>> offenders = new EnumMap<>(Violation.class);
  final Map<String, BigDecimal> openingByCurrency = new TreeMap<>();
  final Map<String, BigDecimal> balanceByCurrency = new TreeMap<>();
  final Map<String, BigDecimal> inFlightByCurrency = new TreeMap<>();

  public AuditTally(int offendersShownMax) {
    this.offendersShownMax = offendersShownMax;
  }

  /** Counts one offender (a transfer id or an account) of {@code kind}, keeping its description if few so far. */
  public void offend(Violation kind, String offender) {
    counts.merge(kind, 1L, Long::sum);
    List<String> shown = offenders.computeIfAbsent(kind, k -> new ArrayList<>());
    if (shown.size() < offendersShownMax) {
      shown.add(offender);
    }
  }

  public long count(Violation kind) {
    return counts.getOrDefault(kind, 0L);
  }

  void addMoney(Map<String, BigDecimal> sums, String currency, BigDecimal amount) {
    sums.merge(currency == null ? "?" : currency, amount, BigDecimal::add);
  }

  public AuditReport report() {
    Map<Violation, List<String>> shown = new EnumMap<>(Violation.class);
    offenders.forEach((kind, list) -> shown.put(kind, List.copyOf(list)));
    return new AuditReport(transfers, finals, ok, rejected, heldUnacknowledged, new EnumMap<>(counts), shown,
        new TreeMap<>(openingByCurrency), new TreeMap<>(balanceByCurrency), new TreeMap<>(inFlightByCurrency));
  }
}

package io.natsbank.simulation;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counters of one run; the figures a result reports. Mutable, owned by one simulation. */
final class Stats {
  long protocolMessages;
  long submitRequests;
  long dropped;
  long duplicated;
  long undeliverable;
  long lostInCrash;
  long crashes;
  long crashesBeforeCommit;
  long crashesAfterCommit;
  long crashesDuringSends;
  long storeOutages;
  long storeFailures;
  long partitions;
  long batches;
  long refusedSubmits;

  long events;
  long outcomesOk;
  long outcomesRejected;
  long rejectedAtOnce;

  long faults() {
    return dropped + duplicated + crashes + partitions + storeOutages;
  }

  /** The counters by name, in a fixed order. */
  Map<String, Long> asMap() {
    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("events", events);
    counters.put("batches", batches);
    counters.put("messages", protocolMessages);
    counters.put("submits", submitRequests);
    counters.put("refused_submits", refusedSubmits);
    counters.put("ok", outcomesOk);
    counters.put("rejected", outcomesRejected);
    counters.put("rejected_at_once", rejectedAtOnce);
    counters.put("dropped", dropped);
    counters.put("duplicated", duplicated);
    counters.put("undeliverable", undeliverable);
    counters.put("lost_in_crash", lostInCrash);
    counters.put("crashes", crashes);
    counters.put("crashes_before_commit", crashesBeforeCommit);
    counters.put("crashes_after_commit", crashesAfterCommit);
    counters.put("crashes_during_sends", crashesDuringSends);
    counters.put("store_outages", storeOutages);
    counters.put("store_failures", storeFailures);
    counters.put("partitions", partitions);
    return counters;
  }
}

package io.natsbank.system;

import io.natsbank.testing.TestDatabase;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants of a quiet system, checked straight from the databases of a {@link TestSystem}:
 * every transfer final, both sides agree, every decision confirmed, no effect twice, money conserved.
 * Returns the violations found, each naming the transfer or account; empty means clean.
 */
final class QuietChecks {
  private QuietChecks() {}

  record ProducerRow(String id, String consumer, String status, String cause, boolean sent, BigDecimal amount) {}

  record ConsumerRow(String decision, String cause, boolean confirmed) {}

  static List<String> violations(TestSystem system) {
    List<String> violations = new ArrayList<>();
    Map<String, Map<String, ConsumerRow>> decisions = new HashMap<>();
    system.consumers.forEach((name, database) -> {
      Map<String, ConsumerRow> rows = new HashMap<>();
      TestSystem.query(database, "SELECT id::text, decision, cause, confirmed FROM postings", resultSet -> rows.put(
          resultSet.getString(1),
          new ConsumerRow(resultSet.getString(2), resultSet.getString(3), resultSet.getBoolean(4))));
      decisions.put(name, rows);
      violations.addAll(entriesAgreeWithBalances(name, database));
      TestSystem.query(database, "SELECT p.id::text FROM postings p WHERE (p.decision = 'OK') <> EXISTS "
          + "(SELECT 1 FROM entries e WHERE e.transfer_id = p.id AND e.kind = 'CREDIT' AND e.amount = p.amount)",
          resultSet -> violations.add("credit does not match decision of " + resultSet.getString(1)));
    });
    system.producers.forEach((name, database) -> {
      violations.addAll(entriesAgreeWithBalances(name, database));
      List<ProducerRow> transfers = TestSystem.query(database,
          "SELECT id::text, consumer, status, cause, sent, amount FROM transfers",
          resultSet -> new ProducerRow(resultSet.getString(1), resultSet.getString(2), resultSet.getString(3),
              resultSet.getString(4), resultSet.getBoolean(5), resultSet.getBigDecimal(6)));
      for (ProducerRow transfer : transfers) {
        violations.addAll(agreement(transfer, decisions.get(transfer.consumer())));
      }
      TestSystem.query(database, "SELECT t.id::text FROM transfers t WHERE "
          + "(SELECT count(*) FROM entries e WHERE e.transfer_id = t.id AND e.kind = 'DEBIT') <> (CASE WHEN t.sent THEN 1 ELSE 0 END)"
          + " OR (SELECT count(*) FROM entries e WHERE e.transfer_id = t.id AND e.kind = 'REFUND')"
          + " <> (CASE WHEN t.sent AND t.status = 'REJECTED' THEN 1 ELSE 0 END)",
          resultSet -> violations.add("debit or refund count wrong for " + resultSet.getString(1)));
    });
    BigDecimal opening = BigDecimal.ZERO;
    BigDecimal now = BigDecimal.ZERO;
    for (TestDatabase database : allDatabases(system)) {
      opening = opening.add(sum(database, "SELECT coalesce(sum(opening_balance), 0) FROM accounts"));
      now = now.add(sum(database, "SELECT coalesce(sum(balance), 0) FROM accounts"));
    }
    if (opening.compareTo(now) != 0) {
      violations.add("money not conserved: opening " + opening + " now " + now);
    }
    return violations;
  }

  private static List<String> agreement(ProducerRow transfer, Map<String, ConsumerRow> decisions) {
    List<String> violations = new ArrayList<>();
    if (!transfer.status().equals("OK") && !transfer.status().equals("REJECTED")) {
      violations.add("transfer " + transfer.id() + " not final: " + transfer.status());
      return violations;
    }
    ConsumerRow decision = decisions == null ? null : decisions.get(transfer.id());
    if (!transfer.sent()) {
      if (decision != null) {
        violations.add("transfer " + transfer.id() + " rejected at once but decided at the consumer");
      }
      return violations;
    }
    if (decision == null) {
      violations.add("transfer " + transfer.id() + " final at the producer, unknown at its consumer");
    } else if (!decision.decision().equals(transfer.status())
        || !java.util.Objects.equals(decision.cause(), transfer.cause())) {
      violations.add("transfer " + transfer.id() + " is " + transfer.status() + " at the producer, "
          + decision.decision() + " at the consumer");
    } else if (!decision.confirmed()) {
      violations.add("transfer " + transfer.id() + " not confirmed at the consumer");
    }
    return violations;
  }

  private static List<String> entriesAgreeWithBalances(String participant, TestDatabase database) {
    List<String> violations = new ArrayList<>();
    TestSystem.query(database, "SELECT a.id FROM accounts a WHERE a.balance <> a.opening_balance + coalesce(("
        + "SELECT sum(CASE WHEN e.kind = 'DEBIT' THEN -e.amount ELSE e.amount END) FROM entries e "
        + "WHERE e.account = a.id), 0) OR a.balance < 0",
        resultSet -> violations.add(participant + ": balance of " + resultSet.getString(1) + " disagrees with entries"));
    return violations;
  }

  private static BigDecimal sum(TestDatabase database, String sql) {
    return TestSystem.query(database, sql, resultSet -> resultSet.getBigDecimal(1)).getFirst();
  }

  private static List<TestDatabase> allDatabases(TestSystem system) {
    List<TestDatabase> all = new ArrayList<>(system.producers.values());
    all.addAll(system.consumers.values());
    return all;
  }
}

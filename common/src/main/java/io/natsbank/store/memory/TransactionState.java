package io.natsbank.store.memory;

import io.natsbank.node.StoreException;
import java.util.function.Supplier;

/**
 * The life of one memory transaction, as a database session sees it: operations run only while it is
 * open; after a failed statement every later one fails and commit is refused (Postgres' "current
 * transaction is aborted"), so work that swallows an error still cannot commit half of itself.
 */
final class TransactionState {
  private final String storeName;
  private boolean open = true;
  private RuntimeException abortedBy;

  TransactionState(String storeName) {
    this.storeName = storeName;
  }

  <T> T run(Supplier<T> operation) {
    if (!open) {
      throw new IllegalStateException(storeName + ": the transaction is over; a Tx must not outlive its work");
    }
    if (abortedBy != null) {
      throw new StoreException(storeName + ": the transaction is aborted, commands ignored until its end", abortedBy);
    }
    try {
      return operation.get();
    } catch (RuntimeException failure) {
      abortedBy = failure;
      throw failure;
    }
  }

  void execute(Runnable operation) {
    run(() -> {
      operation.run();
      return null;
    });
  }

  /** Ends the transaction; throws if it cannot commit because a statement failed inside it. */
  void close() {
    open = false;
    if (abortedBy != null) {
      throw new StoreException(storeName + ": the transaction was aborted and is rolled back", abortedBy);
    }
  }

  void abandon() {
    open = false;
  }
}

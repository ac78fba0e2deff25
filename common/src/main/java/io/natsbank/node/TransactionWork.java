package io.natsbank.node;

/**
 * Work done inside one store transaction. It may run more than once (a store retries on deadlock or
 * serialization failure), so it must not have effects outside the transaction.
 */
@FunctionalInterface
public interface TransactionWork<X, T> {
  T run(X transaction);
}

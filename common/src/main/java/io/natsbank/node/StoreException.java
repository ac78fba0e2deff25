package io.natsbank.node;

/** The store could not complete an operation (database down, timeout, conflict after retries). */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}

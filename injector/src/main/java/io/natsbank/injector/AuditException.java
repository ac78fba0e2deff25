package io.natsbank.injector;

/** The audit could not read what it must read (a database unreachable, a table missing). */
public final class AuditException extends RuntimeException {
  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}

#!/bin/sh
# Entrypoint of the injector image.
#
#   injector.sh COMMAND [OPTIONS]   one command of the injector CLI: setup, fire, audit, status, --help
#   injector.sh job                 setup, then fire, then audit, as the Kubernetes Job runs it: its
#                                   output ends with the audit line, and it exits non-zero when any
#                                   step failed (the audit's own code first)
#
# Options come from flags or NATSBANK_* environment variables, exactly as for the jar.
set -u

# The same JVM flags as the producer and consumer images: the heap follows the container's memory.
JAVA_FLAGS="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError"
JAR=/app/nats-bank-injector.jar

if [ "${1:-}" != job ]; then
  # shellcheck disable=SC2086 # JAVA_FLAGS is a list of flags, split on purpose
  exec java $JAVA_FLAGS -jar "$JAR" "$@"
fi

injector() {
  # shellcheck disable=SC2086 # JAVA_FLAGS is a list of flags, split on purpose
  java $JAVA_FLAGS -jar "$JAR" "$@"
}

echo "injector job: setup" >&2
setup_status=0
injector setup || setup_status=$?
if [ "$setup_status" -ne 0 ]; then
  echo "injector job: setup failed (exit $setup_status); nothing fired" >&2
  exit "$setup_status"
fi

echo "injector job: fire" >&2
fire_status=0
injector fire || fire_status=$?
if [ "$fire_status" -ne 0 ]; then
  echo "injector job: fire exited with $fire_status; auditing what was accepted" >&2
fi

echo "injector job: audit" >&2
audit_status=0
injector audit || audit_status=$?
# Nothing is printed after the audit: its line is the last one of the log.
if [ "$audit_status" -ne 0 ]; then
  exit "$audit_status"
fi
exit "$fire_status"

#!/usr/bin/env bash
# Runs every test: selects a JDK >= 21, makes sure PostgreSQL and NATS answer (starting or installing
# them when absent), then `mvn verify`. Extra arguments go to Maven (e.g. -pl common -Dtest=...).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
select_java
ensure_postgres
ensure_nats
log "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
exec mvn -B -ntp verify "$@"

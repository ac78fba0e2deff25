#!/usr/bin/env bash
# Runs the deterministic protocol simulation (io.natsbank.simulation.SimulationMain).
#
#   ./scripts/simulate.sh                      # seeds 0..999
#   ./scripts/simulate.sh --seeds 100000 --first-seed 5000000
#   ./scripts/simulate.sh --seed 1234          # replay one seed exactly, with its figures
#   ./scripts/simulate.sh --help
#
# Builds the common module first when its sources changed. Needs a JDK >= 21: $JAVA_HOME if it is
# one, else /usr/lib/jvm/temurin-25-jdk-amd64, else `java` on the PATH. Exit code 1 if any seed
# violates an invariant.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

java_version() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

find_java() {
  local candidate version
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
      "$(command -v java 2>/dev/null || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    version="$(java_version "$candidate")"
    if [[ -n "$version" && "$version" -ge 21 ]]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "simulate.sh: no JDK >= 21 found (set JAVA_HOME)" >&2
  return 1
}

java="$(find_java)"
export JAVA_HOME="$(cd "$(dirname "$java")/.." && pwd)"

classpath_file="common/target/simulation.classpath"
if [[ ! -f "$classpath_file" || ! -d common/target/classes ]] \
    || [[ -n "$(find pom.xml common/pom.xml common/src/main -newer "$classpath_file" -print -quit)" ]]; then
  echo "simulate.sh: building common ..." >&2
  mvn -q -B -pl common -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/simulation.classpath >&2
fi

exec "$java" -XX:+UseSerialGC -cp "common/target/classes:$(cat "$classpath_file")" \
  io.natsbank.simulation.SimulationMain "$@"

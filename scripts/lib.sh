# Shared helpers for the scripts: pick a JDK >= 21, make sure PostgreSQL and NATS answer, build.
# Sourced, not run. Every wait here is bounded.

NATSBANK_PG_HOST=${NATSBANK_PG_HOST:-127.0.0.1}
NATSBANK_PG_PORT=${NATSBANK_PG_PORT:-5432}
NATSBANK_NATS_HOST=${NATSBANK_NATS_HOST:-127.0.0.1}
NATSBANK_NATS_PORT=${NATSBANK_NATS_PORT:-4222}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }

# Sets JAVA_HOME to a JDK >= 21: $JAVA_HOME if good, else any JDK >= 21 under /usr/lib/jvm, else java on PATH.
select_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  if command -v javac >/dev/null && [ "$(java_major java)" -ge 21 ] 2>/dev/null; then
    export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    return 0
  fi
  die "a JDK 21 or newer is required (set JAVA_HOME, or: apt-get install openjdk-21-jdk-headless)"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local host=$1 port=$2 what=$3 tries=${4:-60}
  for _ in $(seq "$tries"); do
    port_open "$host" "$port" && return 0
    sleep 0.5
  done
  die "$what did not answer on $host:$port"
}

# PostgreSQL: use the one running; else start the local cluster; else install it (Debian/Ubuntu, as root).
ensure_postgres() {
  port_open "$NATSBANK_PG_HOST" "$NATSBANK_PG_PORT" && return 0
  if ! command -v pg_ctlcluster >/dev/null; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not running on $NATSBANK_PG_HOST:$NATSBANK_PG_PORT; install and start it"
    log "installing PostgreSQL"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -n | tail -1)
  if ! grep -q "^host *all *all *127.0.0.1/32 *trust" "/etc/postgresql/$version/main/pg_hba.conf"; then
    # local demo and CI only: trust loopback connections, as the machine images do
    sed -i '1i host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port "$NATSBANK_PG_HOST" "$NATSBANK_PG_PORT" PostgreSQL
}

# NATS with JetStream: use the one running; else start nats-server (installing it when absent).
ensure_nats() {
  port_open "$NATSBANK_NATS_HOST" "$NATSBANK_NATS_PORT" && return 0
  if ! command -v nats-server >/dev/null; then
    [ "$(id -u)" = 0 ] || die "NATS is not running on $NATSBANK_NATS_HOST:$NATSBANK_NATS_PORT; install nats-server"
    log "installing nats-server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  fi
  local store="${TMPDIR:-/tmp}/natsbank-nats"
  mkdir -p "$store"
  log "starting nats-server on $NATSBANK_NATS_HOST:$NATSBANK_NATS_PORT"
  nohup nats-server -a "$NATSBANK_NATS_HOST" -p "$NATSBANK_NATS_PORT" -js -sd "$store" \
    >"$store/nats-server.log" 2>&1 &
  wait_port "$NATSBANK_NATS_HOST" "$NATSBANK_NATS_PORT" NATS
}

# Builds the three service jars unless they exist and are newer than every source file.
build_jars() {
  local jars=(producer/target/nats-bank-producer.jar consumer/target/nats-bank-consumer.jar
    injector/target/nats-bank-injector.jar)
  local stale=0 jar
  for jar in "${jars[@]}"; do
    if [ ! -f "$jar" ] || [ -n "$(find common producer consumer injector pom.xml -newer "$jar" -type f \
        -not -path '*/target/*' -print -quit)" ]; then
      stale=1
    fi
  done
  if [ "$stale" = 1 ]; then
    log "building (mvn package -DskipTests)"
    mvn -q -B -DskipTests package >&2 || die "build failed"
  fi
}

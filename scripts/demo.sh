#!/usr/bin/env bash
# The demo: builds, starts 2 producers and 2 consumers as local processes (bank-p1 and bank-c1 as two
# instances each), fires transfers with message loss and duplication switched on in both directions,
# waits until the system is quiet, audits every database and prints the audit line.
#
#   ./scripts/demo.sh [--transfers N] [--drop P] [--duplicate P] [--kill] [--keep]
#
# --kill: while transfers are fired, kill -9 one instance of bank-p1 and one of bank-c1, then start
# them again; the audit must still be clean.
# It uses the NATS and PostgreSQL it finds (NATSBANK_NATS_HOST/PORT, NATSBANK_PG_HOST/PORT), and starts
# or installs them when absent. --keep leaves the services running afterwards (stop them with
# `kill $(cat run/demo/*.pid)`). Logs: run/demo/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

transfers=10000
drop=0.20
duplicate=0.05
keep=0
kill_some=0
while [ $# -gt 0 ]; do
  case "$1" in
    --transfers) transfers=$2; shift 2 ;;
    --drop) drop=$2; shift 2 ;;
    --duplicate) duplicate=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --kill) kill_some=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ "$transfers" =~ ^[0-9]+$ ]] || die "--transfers takes a whole number, got '$transfers'"

select_java
ensure_postgres
ensure_nats
build_jars

export NATSBANK_NATS_URL="nats://$NATSBANK_NATS_HOST:$NATSBANK_NATS_PORT"
export NATSBANK_DB_URL_TEMPLATE="jdbc:postgresql://$NATSBANK_PG_HOST:$NATSBANK_PG_PORT/{db}"
export NATSBANK_PRODUCERS=bank-p1,bank-p2
export NATSBANK_CONSUMERS=bank-c1,bank-c2
export NATSBANK_RESEND_INITIAL_MILLIS=${NATSBANK_RESEND_INITIAL_MILLIS:-500}
export NATSBANK_RESEND_MAX_MILLIS=${NATSBANK_RESEND_MAX_MILLIS:-4000}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx384m -XX:TieredStopAtLevel=1}

run=run/demo
mkdir -p "$run"
rm -f "$run"/*.pid "$run"/*.log

injector() { "$JAVA_HOME/bin/java" $JAVA_OPTS -jar injector/target/nats-bank-injector.jar "$@"; }

stop_all() {
  local pidfile
  for pidfile in "$run"/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$run"/*.pid; do
    [ -f "$pidfile" ] || continue
    for _ in $(seq 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}
[ "$keep" = 1 ] || trap stop_all EXIT

# start ROLE NAME INSTANCE SEED: one service process with faults on everything it sends.
start() {
  local role=$1 name=$2 instance=$3 seed=$4
  NATSBANK_NAME=$name NATSBANK_FAULT_OUT_DROP=$drop NATSBANK_FAULT_OUT_DUPLICATE=$duplicate \
    NATSBANK_FAULT_SEED=$seed nohup "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$role/target/nats-bank-$role.jar" \
    >"$run/$name-$instance.log" 2>&1 &
  echo $! >"$run/$name-$instance.pid"
}

wait_started() {
  local logfile=$1
  for _ in $(seq 240); do
    grep -q " started: " "$logfile" && return 0
    if ! kill -0 "$(cat "${logfile%.log}.pid")" 2>/dev/null; then
      tail -20 "$logfile" >&2; die "$(basename "$logfile" .log) exited during start-up"
    fi
    sleep 0.25
  done
  die "$(basename "$logfile" .log) did not start within 60 s"
}

log "setting up databases and accounts"
injector setup --reset >&2

log "starting bank-p1 (2 instances), bank-p2, bank-c1 (2 instances), bank-c2 with drop=$drop duplicate=$duplicate"
start consumer bank-c1 1 11
start consumer bank-c1 2 12
start consumer bank-c2 1 21
start producer bank-p1 1 31
start producer bank-p1 2 32
start producer bank-p2 1 41

for logfile in "$run"/*.log; do
  wait_started "$logfile"
done

# kill -9 an instance in the middle of the run, then start it again (same name, new process).
kill_and_restart() {
  local role=$1 name=$2 instance=$3 seed=$4
  log "kill -9 $name-$instance (pid $(cat "$run/$name-$instance.pid"))"
  kill -9 "$(cat "$run/$name-$instance.pid")" 2>/dev/null || true
  sleep 2
  mv "$run/$name-$instance.log" "$run/$name-$instance.killed.log"
  start "$role" "$name" "$instance" "$seed"
  wait_started "$run/$name-$instance.log"
  log "$name-$instance restarted"
}

log "firing $transfers transfers"
injector fire --transfers "$transfers" &
fire_pid=$!
if [ "$kill_some" = 1 ]; then
  sleep 4
  kill_and_restart producer bank-p1 1 131
  kill_and_restart consumer bank-c1 1 111
fi
fire_status=0
wait "$fire_pid" || fire_status=$?
[ "$fire_status" = 0 ] || log "fire reported failures (exit $fire_status); auditing anyway"

log "waiting until quiet, then auditing every database"
set +e
injector audit --wait-quiet-seconds "${NATSBANK_AUDIT_WAIT_SECONDS:-300}" | tee "$run/audit.txt"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || exit "$status"
exit "$fire_status"

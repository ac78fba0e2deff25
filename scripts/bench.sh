#!/usr/bin/env bash
# The benchmark, in one invocation on one machine:
#   1. pgbench TPC-B-like on the same PostgreSQL (its own database), synchronous_commit on: the yardstick
#      of this machine's commit capacity;
#   2. 1 producer + 1 consumer (batched, no faults) at saturation: closed loop, --in-flight transfers
#      unfinished at once, --duration seconds measured after a --warmup (60 s by default: the JVMs
#      compile for their first ~40 s under load, and that is start-up, not the sustained rate);
#   3. an open loop at half the saturated rate on the same services: latency from each transfer's
#      intended send time to its final outcome at the producer (HdrHistogram, no coordinated omission);
#   4. the naive path (--batch-size-max 1 --frame-messages-max 1 on both services, one SUBMIT per
#      transfer from the load generator) at saturation, on fresh databases;
#   (5. with --scaling, 2 producers + 2 consumers at saturation, on fresh databases.)
# Every transfer of every phase is audited ('injector audit'); a dirty audit fails the run. During the
# saturated window it also reads the CPU time of every process (services, load generator, NATS, each
# database's PostgreSQL backends, PostgreSQL's own processes) and prints it per transfer (cpu.txt).
# Figures go to run/bench/ (one JSON per phase, report.json, bench.png, cpu.txt, the service logs); the
# report prints how the open loop's p99 spread over the seconds of its window (min, median, max, and
# how many seconds were over 100 ms), and the run ends with:
#   bench: transfers_per_s=N pgbench_tps=N ratio=N naive_transfers_per_s=N p50_ms=N p99_ms=N p999_ms=N msgs_per_transfer=N commits_per_transfer=N
#
#   ./scripts/bench.sh [--duration S] [--warmup S] [--in-flight N] [--naive-in-flight N]
#                      [--submit-batch-max N] [--pgbench-seconds S] [--pgbench-clients N]
#                      [--pgbench-scale N] [--scaling]
#
# --submit-batch-max: transfers per submit request from the load generator in phases 2, 3 and 5
# (default: the injector's, 128; 1 sends a SUBMIT per transfer).
#
# It uses its own participants (bench-p1, bench-c1...), subject prefix (nbbench) and injector database
# (natsbank_bench_injector), so a demo running at the same time does not mix in. The machine should
# be otherwise idle: the load average is recorded next to every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

duration=60
warmup=60
# Enough in flight to saturate: each batch takes what has queued, so throughput grows with the load
# until the machine is busy (measured, 1 + 1: 400 in flight 8,253-8,746/s, 1,000 11,199/s, 1,500
# 11,528/s, 1,800 11,818/s with 60,000 submits refused BUSY at the producer's 2,000 unfinished).
in_flight=1000
naive_in_flight=100
submit_batch_max=128
pgbench_seconds=30
pgbench_clients=8
pgbench_scale=10
scaling=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    --naive-in-flight) naive_in_flight=$2; shift 2 ;;
    --submit-batch-max) submit_batch_max=$2; shift 2 ;;
    --pgbench-seconds) pgbench_seconds=$2; shift 2 ;;
    --pgbench-clients) pgbench_clients=$2; shift 2 ;;
    --pgbench-scale) pgbench_scale=$2; shift 2 ;;
    --scaling) scaling=1; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
for value in "$duration" "$warmup" "$in_flight" "$naive_in_flight" "$submit_batch_max" "$pgbench_seconds" \
    "$pgbench_clients" "$pgbench_scale"; do
  [[ "$value" =~ ^[0-9]+$ ]] || die "numeric options take whole numbers, got '$value'"
done

select_java
ensure_postgres
ensure_nats
build_jars

out=run/bench
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.log "$out"/*.pid "$out"/*.txt "$out"/bench.png "$out"/gc-*.log

export NATSBANK_NATS_URL="nats://$NATSBANK_NATS_HOST:$NATSBANK_NATS_PORT"
export NATSBANK_DB_URL_TEMPLATE="jdbc:postgresql://$NATSBANK_PG_HOST:$NATSBANK_PG_PORT/{db}"
export NATSBANK_SUBJECT_PREFIX=nbbench
export NATSBANK_INJECTOR_DATABASE=natsbank_bench_injector
export NATSBANK_ACCOUNTS=${NATSBANK_ACCOUNTS:-1000}
# Services: a fixed heap, and the parallel collector, which costs less CPU than G1 on two cores.
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
INJECTOR_JAVA_OPTS=${INJECTOR_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseParallelGC}

# Every JVM logs its collections (pauses show as latency): $out/gc-<pid>.log, the pid in the service logs.
GC_LOG="-Xlog:gc:file=$out/gc-%p.log"
injector() { "$JAVA_HOME/bin/java" $INJECTOR_JAVA_OPTS $GC_LOG -jar injector/target/nats-bank-injector.jar "$@"; }
psql_admin() { psql -h "$NATSBANK_PG_HOST" -p "$NATSBANK_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

stop_all() {
  local pidfile
  for pidfile in "$out"/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$out"/*.pid; do
    [ -f "$pidfile" ] || continue
    for _ in $(seq 60); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}
trap stop_all EXIT

# start ROLE NAME LOGNAME [service flags...]: one service process, no faults.
start() {
  local role=$1 name=$2 logname=$3
  shift 3
  NATSBANK_NAME=$name nohup "$JAVA_HOME/bin/java" $SERVICE_JAVA_OPTS $GC_LOG -jar "$role/target/nats-bank-$role.jar" "$@" \
    >"$out/$logname.log" 2>&1 &
  echo $! >"$out/$logname.pid"
}

wait_started() {
  local logfile
  for logfile in "$@"; do
    for _ in $(seq 240); do
      grep -q " started: " "$logfile" && break
      if ! kill -0 "$(cat "${logfile%.log}.pid")" 2>/dev/null; then
        tail -20 "$logfile" >&2; die "$(basename "$logfile" .log) exited during start-up"
      fi
      sleep 0.25
    done
    grep -q " started: " "$logfile" || die "$(basename "$logfile" .log) did not start within 60 s"
  done
}

# system PRODUCERS CONSUMERS LABEL [service flags...]: fresh databases, one process per participant.
system() {
  local producers=$1 consumers=$2 label=$3 name
  shift 3
  stop_all
  log "[$label] fresh databases for producers $producers, consumers $consumers (load $(load_average))"
  injector setup --reset --producers "$producers" --consumers "$consumers" \
    --opening-balance 1000000000.00 >"$out/setup-$label.txt"
  for name in ${consumers//,/ }; do start consumer "$name" "$label-$name" --producers "$producers" "$@"; done
  for name in ${producers//,/ }; do start producer "$name" "$label-$name" --consumers "$consumers" "$@"; done
  local logs=()
  for name in ${consumers//,/ } ${producers//,/ }; do logs+=("$out/$label-$name.log"); done
  wait_started "${logs[@]}"
}

# CPU time (user + system, in clock ticks) of one process; nothing once it is gone.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || true; }

# cpu_snapshot FILE: "group pid ticks" for each process the machine's work is shared by: each service by
# its log name, the load generator, nats-server, PostgreSQL's backends by database and its own processes.
cpu_snapshot() {
  local pidfile pid group
  {
    echo "clock - $(date +%s%3N)"
    for pidfile in "$out"/*.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      echo "$(basename "$pidfile" .pid) $pid $(ticks "$pid")"
    done
    for pid in $(pgrep -f 'nats-bank-injector.jar bench'); do echo "load-generator $pid $(ticks "$pid")"; done
    for pid in $(pgrep -x nats-server); do echo "nats-server $pid $(ticks "$pid")"; done
    psql_admin -F ' ' -c "SELECT pid, coalesce(datname, replace(backend_type, ' ', '-')) FROM pg_stat_activity" \
      | while read -r pid group; do echo "postgres:$group $pid $(ticks "$pid")"; done
  } | awk 'NF == 3' >"$1"
}

# cpu_report BEFORE AFTER TRANSFERS_PER_S: CPU per group between the snapshots, per transfer; the
# time between them is read from their clocks (taking a snapshot takes time too).
cpu_report() {
  awk -v hz="$(getconf CLK_TCK)" -v rate="$3" -v cores="$(nproc)" '
    $1 == "clock" { clock[FILENAME == ARGV[1] ? "before" : "after"] = $3; next }
    FNR == NR { before[$2] = $3; next }
    { used[$1] += $3 - (($2 in before) ? before[$2] : 0) }
    END {
      seconds = (clock["after"] - clock["before"]) / 1000
      transfers = rate * seconds
      printf "cpu: %.1f s sampled inside the saturated window, about %d transfers; CPU time per transfer:\n",
        seconds, transfers
      for (group in used) {
        total += used[group]
        printf "cpu: %-36s %7.1f s %7.1f us\n", group, used[group] / hz, used[group] / hz / transfers * 1e6 | "sort"
      }
      close("sort")
      printf "cpu: %-36s %7.1f s %7.1f us (%.2f of %d cores busy)\n", "total", total / hz,
        total / hz / transfers * 1e6, total / hz / seconds, cores
    }' "$1" "$2"
}

# phase MODE LABEL PRODUCERS CONSUMERS [bench flags...]: one bench phase, then the audit of everything so far.
phase() {
  local mode=$1 label=$2 producers=$3 consumers=$4
  shift 4
  log "[$label] bench $mode (load $(load_average))"
  local status=0
  injector bench "$mode" --label "$label" --producers "$producers" --consumers "$consumers" \
    --warmup-seconds "$warmup" --duration-seconds "$duration" --out "$out/$label.json" "$@" \
    | tee "$out/$label.txt" || status=$?
  log "[$label] audit (load $(load_average))"
  injector audit --producers "$producers" --consumers "$consumers" --wait-quiet-seconds 300 \
    | tee "$out/audit-$label.txt" >&2 || die "[$label] the audit is not clean: the run failed (see $out/audit-$label.txt)"
  [ "$status" = 0 ] || die "[$label] the bench phase reported failed or unfinished transfers (exit $status)"
  # A clean audit of fewer transfers than the phase made audits something else: the databases were
  # reset or dropped under the run (another benchmark on the same machine, say).
  local made audited
  made=$(awk -v head="bench $label:" 'index($0, head) == 1 {
    for (i = 1; i <= NF; i++) if ($i ~ /^transfers=/) {split($i, v, "="); print v[2]}}' "$out/$label.txt")
  audited=$(awk '/^audit: transfers=/ {split($2, v, "="); print v[2]}' "$out/audit-$label.txt")
  [ "${made:-0}" -gt 0 ] || die "[$label] the phase made no transfers (see $out/$label.txt)"
  [ "${audited:-0}" -ge "$made" ] || die "[$label] the audit saw ${audited:-no} transfers, fewer than the" \
    "phase's $made: the databases changed under the run (see $out/audit-$label.txt)"
}

[ "$(psql_admin -c 'SHOW synchronous_commit')" = on ] || die "synchronous_commit must be on for a fair benchmark"
[ "$(psql_admin -c 'SHOW fsync')" = on ] || die "fsync must be on for a fair benchmark"

# 1. pgbench: TPC-B-like, the default script, in its own database.
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
[ -x "$PGBENCH" ] || die "pgbench not found (it comes with the postgresql packages)"
log "pgbench: initialising scale $pgbench_scale (load $(load_average))"
psql_admin -c "DROP DATABASE IF EXISTS natsbank_pgbench WITH (FORCE)" -c "CREATE DATABASE natsbank_pgbench"
"$PGBENCH" -h "$NATSBANK_PG_HOST" -p "$NATSBANK_PG_PORT" -U postgres -i -q -s "$pgbench_scale" natsbank_pgbench \
  >"$out/pgbench-init.txt" 2>&1
pgbench_settings="-c $pgbench_clients -j 2 -T $pgbench_seconds -s $pgbench_scale (TPC-B-like, synchronous_commit on)"
log "pgbench $pgbench_settings (load $(load_average))"
"$PGBENCH" -h "$NATSBANK_PG_HOST" -p "$NATSBANK_PG_PORT" -U postgres -c "$pgbench_clients" -j 2 \
  -T "$pgbench_seconds" natsbank_pgbench >"$out/pgbench.txt" 2>&1
pgbench_tps=$(awk '/^tps = / {print $3; exit}' "$out/pgbench.txt")
pgbench_latency=$(awk '/^latency average = / {print $4; exit}' "$out/pgbench.txt")
[ -n "$pgbench_tps" ] || die "pgbench did not report its tps (see $out/pgbench.txt)"
log "pgbench: tps=$pgbench_tps latency_ms=$pgbench_latency (load $(load_average))"
psql_admin -c "DROP DATABASE IF EXISTS natsbank_pgbench WITH (FORCE)"

# 2. and 3. 1 producer + 1 consumer, batched: saturated closed loop, then the open loop at half its rate.
system bench-p1 bench-c1 saturated
# the CPU sample: from 5 s into the window to 5 s before its end (half a window of 20 s or less)
cpu_seconds=$((duration > 20 ? duration - 10 : duration / 2))
(sleep $((warmup + 5)); cpu_snapshot "$out/cpu-before.txt"; sleep "$cpu_seconds"; cpu_snapshot "$out/cpu-after.txt") &
cpu_sampler=$!
phase closed saturated bench-p1 bench-c1 --in-flight "$in_flight" --submit-batch-max "$submit_batch_max"
wait "$cpu_sampler" || true
saturated_rate=$(awk '/^bench saturated: / {for (i = 1; i <= NF; i++) if ($i ~ /^transfers_per_s=/) {split($i, v, "="); print int(v[2])}}' \
  "$out/saturated.txt")
rate=$((${saturated_rate:-0} / 2))
[ "$rate" -gt 0 ] || die "no saturated rate to halve"
if [ "$cpu_seconds" -gt 0 ] && [ -s "$out/cpu-before.txt" ] && [ -s "$out/cpu-after.txt" ]; then
  cpu_report "$out/cpu-before.txt" "$out/cpu-after.txt" "$saturated_rate" | tee "$out/cpu.txt" >&2
fi
phase open open bench-p1 bench-c1 --rate "$rate" --submit-batch-max "$submit_batch_max"

# 4. The naive path: one message per transaction, and per NATS message, on both services; one
# request per transfer.
system bench-p1 bench-c1 naive --batch-size-max 1 --frame-messages-max 1
phase closed naive bench-p1 bench-c1 --in-flight "$naive_in_flight" --submit-batch-max 1

extra=()
if [ "$scaling" = 1 ]; then
  system bench-p1,bench-p2 bench-c1,bench-c2 scaling
  phase closed scaling bench-p1,bench-p2 bench-c1,bench-c2 --in-flight "$in_flight" \
    --submit-batch-max "$submit_batch_max"
  extra=(--phase "$out/scaling.json")
fi
stop_all

log "report (load $(load_average))"
injector bench report --saturated "$out/saturated.json" --open "$out/open.json" --naive "$out/naive.json" \
  "${extra[@]}" --pgbench-tps "$pgbench_tps" --pgbench-latency-ms "${pgbench_latency:-0}" \
  --pgbench-settings "$pgbench_settings" --out-dir "$out"

#!/usr/bin/env bash
# Chaos: the whole system as separate OS processes on loopback, under a seeded schedule of faults.
#
#   ./scripts/chaos.sh --seed S --duration SECONDS [--batch N] [--concurrency N] [--schedule]
#
# It starts everything of its own, on free loopback ports: a 3-node NATS cluster (JetStream on, one
# store directory per node), a PostgreSQL instance (initdb into a temporary directory, trust on
# loopback; run as the postgres user when this script runs as root) holding every database, and
# producers bank-p1, bank-p2 and consumers bank-c1, bank-c2 with 2 instances each. Every instance
# drops, duplicates and delays (so reorders) protocol messages in both directions, at rates drawn
# from the seed. For SECONDS the injector fires transfers (batches of --batch) while the schedule
# drawn from the seed kills -9 and restarts service instances, NATS nodes and the PostgreSQL
# postmaster (which does crash recovery on restart). Then it heals everything, waits until the
# system is quiet, audits every database and prints the fault log, the audit line and
#
#   chaos: seed=S duration_s=N faults=N transfers=N settle_s=N audit=clean|violated
#
# (settle_s: seconds from the heal to quiet; -1 if it never got quiet). Exit 0 only when the audit is
# clean and no running instance died on its own. The same seed gives the same schedule and the same
# fault rates; the timing of real processes does not replay. Logs: run/chaos/. Everything it started
# is stopped and its temporary directory removed on any exit. --schedule prints the schedule and the
# fault rates the seed gives, and starts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

seed=1
duration=120
batch=500
concurrency=64
schedule_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed=${2:-}; shift 2 ;;
    --duration) duration=${2:-}; shift 2 ;;
    --batch) batch=${2:-}; shift 2 ;;
    --concurrency) concurrency=${2:-}; shift 2 ;;
    --schedule) schedule_only=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ "$seed" =~ ^[0-9]{1,9}$ ]] || die "--seed takes a whole number below 10^9, got '$seed'"
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 20 ] && [ "$duration" -le 86400 ] \
  || die "--duration takes whole seconds, 20 to 86400, got '$duration'"
[[ "$batch" =~ ^[0-9]+$ ]] && [ "$batch" -ge 1 ] || die "--batch takes a positive whole number, got '$batch'"
[[ "$concurrency" =~ ^[0-9]+$ ]] && [ "$concurrency" -ge 1 ] || die "--concurrency takes a positive whole number"

# Limits of every wait (seconds).
START_WAIT_S=${NATSBANK_CHAOS_START_WAIT_SECONDS:-240}   # every instance up after a (re)start
FIRE_DRAIN_WAIT_S=${NATSBANK_CHAOS_FIRE_WAIT_SECONDS:-600} # the last fire batch after the heal
QUIET_WAIT_S=${NATSBANK_CHAOS_QUIET_WAIT_SECONDS:-600}     # quiet after the heal
PG_START_WAIT_S=120
RESTART_PAUSE_S=5   # an instance that exits during start-up is started again at most this often

# ---------------------------------------------------------------------------------------------
# The schedule: drawn from the seed before anything starts, so that it depends on nothing else.
# Times are in tenths of a second from the start of firing.
RANDOM=$seed
SERVICES=(bank-p1 bank-p1 bank-p2 bank-p2 bank-c1 bank-c1 bank-c2 bank-c2)
ROLES=(producer producer producer producer consumer consumer consumer consumer)
LABELS=(bank-p1#1 bank-p1#2 bank-p2#1 bank-p2#2 bank-c1#1 bank-c1#2 bank-c2#1 bank-c2#2)
declare -a F_OUT_DROP F_OUT_DUP F_OUT_DELAY F_IN_DROP F_IN_DUP F_IN_DELAY F_DELAY_MAX
# Never $RANDOM inside $(...): bash seeds it afresh in every subshell.
rate() { printf -v "$1" '0.%02d' $(( $2 + RANDOM % ($3 - $2 + 1) )); }   # a probability, $2% to $3%
for i in "${!SERVICES[@]}"; do
  rate "F_OUT_DROP[i]" 2 15; rate "F_OUT_DUP[i]" 1 8; rate "F_OUT_DELAY[i]" 5 20
  rate "F_IN_DROP[i]" 0 10; rate "F_IN_DUP[i]" 0 5; rate "F_IN_DELAY[i]" 0 10
  F_DELAY_MAX[i]=$(( 50 + RANDOM % 351 ))
done

plan=()   # "TIME VERB KIND TARGET", VERB kill|start, KIND service|nats|pg
plan_events() {
  local end=$(( duration * 10 - 30 )) first=50 events=$(( duration / 8 < 3 ? 3 : duration / 8 ))
  local slot=$(( (end - first) / events )) kinds=(service nats pg) i t kind target down j swap
  local -a service_free nats_free=0 pg_free=0
  for i in "${!SERVICES[@]}"; do service_free[i]=0; done
  for i in 2 1; do   # the first three events cover every kind, in an order drawn from the seed
    j=$(( RANDOM % (i + 1) )); swap=${kinds[i]}; kinds[i]=${kinds[j]}; kinds[j]=$swap
  done
  for (( i = 0; i < events; i++ )); do
    t=$(( first + i * slot + RANDOM % slot ))
    if [ "$i" -lt 3 ]; then kind=${kinds[i]}; else
      case $(( RANDOM % 4 )) in 0|1) kind=service ;; 2) kind=nats ;; 3) kind=pg ;; esac
    fi
    case $kind in
      service) target=$(( RANDOM % ${#SERVICES[@]} )); down=$(( 10 + RANDOM % 41 ))
               [ "$t" -ge "${service_free[target]}" ] || t=$(( service_free[target] + 10 ))
               service_free[target]=$(( t + down )) ;;
      nats)    target=$(( RANDOM % 3 )); down=$(( 20 + RANDOM % 61 ))   # one node down at a time
               [ "$t" -ge "$nats_free" ] || t=$(( nats_free + 10 )); nats_free=$(( t + down )) ;;
      pg)      target=0; down=$(( 20 + RANDOM % 41 ))
               [ "$t" -ge "$pg_free" ] || t=$(( pg_free + 10 )); pg_free=$(( t + down )) ;;
    esac
    [ "$t" -lt "$end" ] || continue
    plan+=("$t kill $kind $target" "$(( t + down )) start $kind $target")
  done
}
plan_events
mapfile -t plan < <(printf '%s\n' "${plan[@]}" | sort -n -k1,1 -s)
if [ "$schedule_only" = 1 ]; then
  for i in "${!SERVICES[@]}"; do
    echo "transport ${LABELS[i]}: out drop=${F_OUT_DROP[i]} duplicate=${F_OUT_DUP[i]} delay=${F_OUT_DELAY[i]}," \
      "in drop=${F_IN_DROP[i]} duplicate=${F_IN_DUP[i]} delay=${F_IN_DELAY[i]}, delays up to ${F_DELAY_MAX[i]} ms"
  done
  for action in "${plan[@]}"; do
    read -r at verb kind target <<<"$action"
    echo "+$(( at / 10 )).$(( at % 10 ))s $verb $kind $( [ "$kind" = service ] && echo "${LABELS[target]}" || echo "$target")"
  done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Installs a Debian package when its command is missing and this runs as root (as lib.sh does).
install_if_missing() {
  local present=$1 package=$2
  [ -n "$present" ] && return 0
  [ "$(id -u)" = 0 ] || die "$package is not installed; install it (apt-get install $package)"
  log "installing $package"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

select_java
build_jars
install_if_missing "$(command -v nats-server || true)" nats-server
[ -n "${NATSBANK_PG_BIN:-}" ] || install_if_missing "$(pg_bin)" postgresql
PG_BIN=${NATSBANK_PG_BIN:-$(pg_bin)}
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] \
  || die "PostgreSQL server binaries not found (set NATSBANK_PG_BIN, or apt-get install postgresql)"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the postgres user to run PostgreSQL"
  # from /, which the postgres user can read (it may not read the clone's directory); paths are absolute
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
  as_pg() { "$@"; }
fi

run=run/chaos
mkdir -p "$run"
rm -f "$run"/*.log "$run"/*.txt
work=$(cd "$(mktemp -d "${TMPDIR:-/tmp}/natsbank-chaos.XXXXXX")" && pwd)
chmod 755 "$work"
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1}

now_us() { echo "${EPOCHREALTIME/./}"; }
t0_us=$(now_us)
elapsed_ds() { echo $(( ($(now_us) - t0_us) / 100000 )); }
offset() { local ds; ds=$(elapsed_ds); printf '+%d.%ds' $(( ds / 10 )) $(( ds % 10 )); }
# The fault log: one line per fault, sorted by when it began (lines are written when a fault ends).
faults=0
fault() { local at=$1; shift; faults=$(( faults + 1 )); printf '%08d %s\n' "$at" "$*" >>"$work/faults.txt"; }
note() { printf '%08d note  %-8s %s\n' "$(elapsed_ds)" "$(offset)" "$*" >>"$work/faults.txt"; log "chaos: $*"; }

# Listening ports come from below the kernel's ephemeral range, so that no outgoing connection of
# another process takes one while its server is down (killed) or between the probe and the bind.
used_ports=" "
ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "${ephemeral_low:-0}" -gt 21000 ] 2>/dev/null || ephemeral_low=30000
free_port() {   # free_port VARIABLE: a loopback port nothing listens on, not handed out before
  local port
  for _ in $(seq 500); do
    port=$(shuf -i "20000-$(( ephemeral_low - 1 ))" -n 1)
    case "$used_ports" in *" $port "*) continue ;; esac
    if ! port_open 127.0.0.1 "$port"; then used_ports+="$port "; printf -v "$1" '%s' "$port"; return 0; fi
  done
  die "no free loopback port found"
}
is_ours() {   # pid alive and running the command we started there (a pid is never reused unseen)
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && grep -qa -- "$2" "/proc/$1/cmdline" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Processes. pids and "should be up" flags per process; a stopped process has pid "".
free_port pg_port
pg_data=$work/pg
declare -a nats_port route_port nats_pid nats_up svc_pid svc_up svc_line svc_starts svc_last_start
for k in 0 1 2; do free_port "nats_port[k]"; free_port "route_port[k]"; nats_pid[k]=""; nats_up[k]=1; done
nats_urls="nats://127.0.0.1:${nats_port[0]},nats://127.0.0.1:${nats_port[1]},nats://127.0.0.1:${nats_port[2]}"
pg_up=1
fire_loop_pid=""
crashes=0

nats_start() {
  local k=$1 routes="" j
  for j in 0 1 2; do [ "$j" = "$k" ] || routes+="${routes:+,}nats://127.0.0.1:${route_port[j]}"; done
  mkdir -p "$work/nats-$k"
  nats-server -a 127.0.0.1 -p "${nats_port[k]}" -n "chaos-nats-$k" --cluster_name natsbank-chaos \
    -cluster "nats://127.0.0.1:${route_port[k]}" -routes "$routes" -js -sd "$work/nats-$k" \
    >>"$run/nats-$k.log" 2>&1 &
  nats_pid[k]=$!
}

nats_kill() {
  local k=$1
  is_ours "${nats_pid[k]}" nats-server && kill -9 "${nats_pid[k]}" 2>/dev/null || true
  wait "${nats_pid[k]}" 2>/dev/null || true
  nats_pid[k]=""
}

children_of() {   # the pids whose parent is $1, from /proc (no procps needed)
  local stat pid comm state ppid
  for stat in /proc/[0-9]*/stat; do
    read -r pid comm state ppid _ 2>/dev/null <"$stat" || continue
    [ "$ppid" = "$1" ] && echo "$pid"
  done
  return 0
}

pg_postmaster() { [ -f "$pg_data/postmaster.pid" ] && head -1 "$pg_data/postmaster.pid" || true; }

pg_init() {
  mkdir -p "$pg_data" "$work/pg-socket"
  touch "$work/postgres.log"
  [ "$(id -u)" != 0 ] || chown postgres: "$pg_data" "$work/pg-socket" "$work/postgres.log"
  chmod 700 "$pg_data"
  as_pg "$PG_BIN/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-sync >"$run/initdb.log" 2>&1 \
    || { cat "$run/initdb.log" >&2; die "initdb failed"; }
  cat >>"$pg_data/postgresql.conf" <<EOF
# natsbank chaos: loopback only, its own port and socket directory; durable commits
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pg-socket'
max_connections = 200
shared_buffers = 64MB
fsync = on
synchronous_commit = on
EOF
}

pg_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t "$PG_START_WAIT_S" start >/dev/null 2>&1
}

# kill -9 of the postmaster only, as a crash would; its backends notice and exit, any left are killed
# too, so that the next start does not find the old shared memory in use.
pg_kill() {
  local postmaster children child
  postmaster=$(pg_postmaster)
  is_ours "$postmaster" postgres || return 0
  children=$(children_of "$postmaster")
  kill -9 "$postmaster" 2>/dev/null || true
  for _ in $(seq 50); do
    local alive=0
    for child in $children; do kill -0 "$child" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for child in $children; do is_ours "$child" postgres && kill -9 "$child" 2>/dev/null || true; done
  for _ in $(seq 50); do kill -0 "$postmaster" 2>/dev/null || break; sleep 0.1; done
}

svc_start() {
  local i=$1 role=${ROLES[$1]}
  svc_starts[i]=$(( ${svc_starts[i]:-0} + 1 ))
  svc_line[i]=0
  [ ! -f "$run/${LABELS[i]}.log" ] || svc_line[i]=$(wc -l <"$run/${LABELS[i]}.log")
  NATSBANK_NAME=${SERVICES[i]} \
    NATSBANK_FAULT_OUT_DROP=${F_OUT_DROP[i]} NATSBANK_FAULT_OUT_DUPLICATE=${F_OUT_DUP[i]} \
    NATSBANK_FAULT_OUT_DELAY=${F_OUT_DELAY[i]} NATSBANK_FAULT_IN_DROP=${F_IN_DROP[i]} \
    NATSBANK_FAULT_IN_DUPLICATE=${F_IN_DUP[i]} NATSBANK_FAULT_IN_DELAY=${F_IN_DELAY[i]} \
    NATSBANK_FAULT_DELAY_MAX_MILLIS=${F_DELAY_MAX[i]} \
    NATSBANK_FAULT_SEED=$(( seed * 1000 + i * 100 + svc_starts[i] )) \
    nohup "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$role/target/nats-bank-$role.jar" \
    >>"$run/${LABELS[i]}.log" 2>&1 &
  svc_pid[i]=$!
  svc_last_start[i]=$(elapsed_ds)
}

svc_kill() {
  local i=$1
  is_ours "${svc_pid[i]}" nats-bank && kill -9 "${svc_pid[i]}" 2>/dev/null || true
  wait "${svc_pid[i]}" 2>/dev/null || true
  svc_pid[i]=""
}

svc_started() { tail -n "+$(( ${svc_line[$1]} + 1 ))" "$run/${LABELS[$1]}.log" 2>/dev/null | grep -q " started: "; }

# Starts again whatever should be up and is not: an instance that exited during start-up (its
# database was down, say) is normal; one that died after it had started is a crash, and counted.
supervise() {
  local i k postmaster
  for i in "${!SERVICES[@]}"; do
    [ "${svc_up[i]}" = 1 ] || continue
    kill -0 "${svc_pid[i]}" 2>/dev/null && continue
    [ $(( $(elapsed_ds) - svc_last_start[i] )) -ge $(( RESTART_PAUSE_S * 10 )) ] || continue
    wait "${svc_pid[i]}" 2>/dev/null && status=0 || status=$?
    if svc_started "$i"; then
      crashes=$(( crashes + 1 ))
      note "CRASH: ${ROLES[i]} ${LABELS[i]} died on its own after starting (exit $status); started again"
    else
      note "${ROLES[i]} ${LABELS[i]} exited during start-up (exit $status); started again"
    fi
    svc_start "$i"
  done
  for k in 0 1 2; do
    if [ "${nats_up[k]}" = 1 ] && ! kill -0 "${nats_pid[k]}" 2>/dev/null; then
      note "nats node $k exited on its own; started again"
      nats_start "$k"
    fi
  done
  postmaster=$(pg_postmaster)
  if [ "$pg_up" = 1 ] && ! kill -0 "${postmaster:-0}" 2>/dev/null; then
    note "PostgreSQL is not running; starting it again"
    pg_start || note "PostgreSQL did not start (see run/chaos/postgres.log)"
  fi
}

# Per slot (service i: i, nats node k: 10 + k, PostgreSQL: 20): when it was killed and what happened.
declare -a down_at down_what
kill_target() {
  local kind=$1 target=$2 slot
  case $kind in
    service) slot=$target; svc_up[target]=0
             down_what[slot]="kill -9 ${ROLES[target]} ${LABELS[target]} (pid ${svc_pid[target]})"
             svc_kill "$target" ;;
    nats)    slot=$(( 10 + target )); nats_up[target]=0
             down_what[slot]="kill -9 nats node $target (pid ${nats_pid[target]}, client port ${nats_port[target]})"
             nats_kill "$target" ;;
    pg)      slot=20; pg_up=0; down_what[slot]="kill -9 PostgreSQL postmaster (pid $(pg_postmaster))"
             pg_kill ;;
  esac
  down_at[slot]=$(elapsed_ds)
  log "chaos: ${down_what[slot]}"
}

start_target() {
  local kind=$1 target=$2 slot
  case $kind in
    service) slot=$target; svc_up[target]=1; svc_start "$target" ;;
    nats)    slot=$(( 10 + target )); nats_up[target]=1; nats_start "$target" ;;
    pg)      slot=20; pg_up=1; pg_start || log "chaos: PostgreSQL did not start yet; the supervisor retries" ;;
  esac
  local at=${down_at[slot]}
  fault "$at" "fault $(printf '%-8s' "+$(( at / 10 )).$(( at % 10 ))s") ${down_what[slot]}; back at $(offset)"
  log "chaos: $kind $target: started again"
}

# ---------------------------------------------------------------------------------------------
cleanup() {
  local status=$? i k pid postmaster
  set +e
  trap - EXIT INT TERM
  if [ -n "$fire_loop_pid" ]; then kill "$fire_loop_pid" 2>/dev/null; wait "$fire_loop_pid" 2>/dev/null; fi
  pid=$(cat "$work/fire.pid" 2>/dev/null)   # the batch in flight, if any
  is_ours "$pid" nats-bank-injector && kill -9 "$pid" 2>/dev/null
  for i in "${!SERVICES[@]}"; do is_ours "${svc_pid[i]:-}" nats-bank && kill "${svc_pid[i]}" 2>/dev/null; done
  for i in "${!SERVICES[@]}"; do
    for _ in $(seq 40); do kill -0 "${svc_pid[i]:-0}" 2>/dev/null || break; sleep 0.25; done
    is_ours "${svc_pid[i]:-}" nats-bank && kill -9 "${svc_pid[i]}" 2>/dev/null
  done
  for k in 0 1 2; do is_ours "${nats_pid[k]:-}" nats-server && kill "${nats_pid[k]}" 2>/dev/null; done
  postmaster=$(pg_postmaster)
  if is_ours "$postmaster" postgres; then
    as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -m immediate -t 30 stop >/dev/null 2>&1 || pg_kill
  fi
  for k in 0 1 2; do
    for _ in $(seq 20); do kill -0 "${nats_pid[k]:-0}" 2>/dev/null || break; sleep 0.25; done
    is_ours "${nats_pid[k]:-}" nats-server && kill -9 "${nats_pid[k]}" 2>/dev/null
  done
  cp "$work/postgres.log" "$run/postgres.log" 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
log "chaos: seed=$seed duration=${duration}s, ${#plan[@]} scheduled actions; work directory $work"
log "chaos: starting PostgreSQL on 127.0.0.1:$pg_port and NATS on ${nats_port[*]} (routes ${route_port[*]})"
pg_init
pg_start || { tail -20 "$work/postgres.log" >&2; die "PostgreSQL did not start"; }
for k in 0 1 2; do nats_start "$k"; done
for k in 0 1 2; do wait_port 127.0.0.1 "${nats_port[k]}" "nats node $k" 60; done

export NATSBANK_NATS_URL=$nats_urls
export NATSBANK_DB_URL_TEMPLATE="jdbc:postgresql://127.0.0.1:$pg_port/{db}"
export NATSBANK_DB_USER=postgres NATSBANK_DB_PASSWORD=""
export NATSBANK_PRODUCERS=bank-p1,bank-p2
export NATSBANK_CONSUMERS=bank-c1,bank-c2
export NATSBANK_RESEND_INITIAL_MILLIS=${NATSBANK_RESEND_INITIAL_MILLIS:-500}
export NATSBANK_RESEND_MAX_MILLIS=${NATSBANK_RESEND_MAX_MILLIS:-4000}
export NATSBANK_DB_POOL_SIZE_MAX=${NATSBANK_DB_POOL_SIZE_MAX:-4}
unset NATSBANK_DB_URL NATSBANK_NAME
injector() { "$JAVA_HOME/bin/java" $JAVA_OPTS -jar injector/target/nats-bank-injector.jar "$@"; }

log "chaos: setting up the databases"
injector setup --reset >"$run/setup.log" 2>&1 || { tail -20 "$run/setup.log" >&2; die "injector setup failed"; }

for i in "${!SERVICES[@]}"; do
  svc_up[i]=1
  svc_start "$i"
  fault 0 "fault $(printf '%-8s' +0.0s) transport ${LABELS[i]}: out drop=${F_OUT_DROP[i]} duplicate=${F_OUT_DUP[i]}" \
    "delay=${F_OUT_DELAY[i]}, in drop=${F_IN_DROP[i]} duplicate=${F_IN_DUP[i]} delay=${F_IN_DELAY[i]}," \
    "delays up to ${F_DELAY_MAX[i]} ms (whole run)"
done
log "chaos: waiting for 8 service instances"
deadline=$(( $(elapsed_ds) + START_WAIT_S * 10 ))
for i in "${!SERVICES[@]}"; do
  until svc_started "$i"; do
    kill -0 "${svc_pid[i]}" 2>/dev/null || { tail -20 "$run/${LABELS[i]}.log" >&2; die "${LABELS[i]} exited at start"; }
    [ "$(elapsed_ds)" -lt "$deadline" ] || die "${LABELS[i]} did not start within ${START_WAIT_S}s"
    sleep 0.25
  done
done

# The clock of the schedule starts with the firing.
t0_us=$(now_us)
for i in "${!SERVICES[@]}"; do svc_last_start[i]=0; done
export NATSBANK_ATTEMPTS_MAX=${NATSBANK_ATTEMPTS_MAX:-400} NATSBANK_RETRY_BACKOFF_MAX_MILLIS=2000
fire_loop() {
  local n=0 status
  while [ "$(elapsed_ds)" -lt $(( duration * 10 )) ]; do
    # java itself in the background (not the injector function), so that $! is the JVM's pid
    "$JAVA_HOME/bin/java" $JAVA_OPTS -jar injector/target/nats-bank-injector.jar fire --transfers "$batch" \
      --concurrency "$concurrency" --seed $(( seed * 1000 + n )) >>"$run/fire.txt" 2>>"$run/fire.log" &
    echo $! >"$work/fire.pid"
    wait $! && status=0 || status=$?
    [ "$status" = 0 ] || echo "fire batch $n exited $status" >>"$run/fire.txt"
    n=$(( n + 1 ))
  done
}
log "chaos: firing for ${duration}s in batches of $batch, faults on"
fire_loop &
fire_loop_pid=$!

for action in "${plan[@]}"; do
  read -r at verb kind target <<<"$action"
  while [ "$(elapsed_ds)" -lt "$at" ]; do supervise; sleep 0.5; done
  if [ "$verb" = kill ]; then kill_target "$kind" "$target"; else start_target "$kind" "$target"; fi
done
while [ "$(elapsed_ds)" -lt $(( duration * 10 )) ]; do supervise; sleep 0.5; done

# ---------------------------------------------------------------------------------------------
log "chaos: healing: everything down is started again"
heal_us=$(now_us)
for k in 0 1 2; do [ "${nats_up[k]}" = 1 ] || start_target nats "$k"; done
[ "$pg_up" = 1 ] || start_target pg 0
for i in "${!SERVICES[@]}"; do [ "${svc_up[i]}" = 1 ] || start_target service "$i"; done
deadline=$(( $(elapsed_ds) + START_WAIT_S * 10 ))
for i in "${!SERVICES[@]}"; do
  until svc_started "$i"; do
    supervise
    [ "$(elapsed_ds)" -lt "$deadline" ] || die "${LABELS[i]} did not start again within ${START_WAIT_S}s"
    sleep 0.5
  done
done

log "chaos: waiting for the last fire batch (at most ${FIRE_DRAIN_WAIT_S}s)"
deadline=$(( $(elapsed_ds) + FIRE_DRAIN_WAIT_S * 10 ))
while kill -0 "$fire_loop_pid" 2>/dev/null && [ "$(elapsed_ds)" -lt "$deadline" ]; do supervise; sleep 0.5; done
if kill -0 "$fire_loop_pid" 2>/dev/null; then
  note "the last fire batch did not end within ${FIRE_DRAIN_WAIT_S}s; stopped"
  kill "$fire_loop_pid" 2>/dev/null || true
  pid=$(cat "$work/fire.pid" 2>/dev/null || true)
  is_ours "$pid" nats-bank-injector && kill "$pid" 2>/dev/null || true
fi
wait "$fire_loop_pid" 2>/dev/null || true
fire_loop_pid=""

log "chaos: waiting until quiet (at most ${QUIET_WAIT_S}s), then auditing every database"
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(now_us)" "$line"; done; }
set +e
injector audit --wait-quiet-seconds "$QUIET_WAIT_S" >"$run/audit.txt" 2> >(stamp >"$run/audit-progress.txt")
audit_status=$?
set -e
sleep 0.5   # let the time stamps of the audit's progress reach their file
quiet_us=$(awk '/ audit: quiet$/ {print $1; exit}' "$run/audit-progress.txt")
settle_s=-1
[ -z "$quiet_us" ] || settle_s=$(( (quiet_us - heal_us + 500000) / 1000000 ))
audit_line=$(grep '^audit: ' "$run/audit.txt" | tail -1 || true)
transfers=$(sed -n 's/^audit: transfers=\([0-9]*\) .*/\1/p' <<<"$audit_line")
result=violated
[ "$audit_status" = 0 ] && [ -n "$audit_line" ] && result=clean

echo "chaos: fault log (offsets from the start of firing; seed $seed)"
sort -s -n -k1,1 "$work/faults.txt" | cut -d' ' -f2-
echo "chaos: fire: $(grep -c '^fire: ' "$run/fire.txt" || true) batches; $(grep -c '^fire batch' "$run/fire.txt" || true) ended non-zero"
grep -v '^audit: ' "$run/audit.txt" | head -40 || true
echo "$audit_line"
echo "chaos: seed=$seed duration_s=$duration faults=$faults transfers=${transfers:-0} settle_s=$settle_s audit=$result"
if [ "$crashes" -gt 0 ]; then
  log "chaos: $crashes service instance(s) died on their own after starting (see CRASH lines and run/chaos/*.log)"
  exit 1
fi
[ "$result" = clean ]

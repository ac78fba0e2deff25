#!/usr/bin/env bash
# Runs nats-bank on minikube: starts minikube when it is not running, builds the three images inside
# it, applies the minikube overlay, waits until NATS, PostgreSQL and every participant are ready, runs
# the injector Job (setup, fire, audit) and prints its audit line. Exits non-zero unless the Job
# succeeded, that is unless the audit was clean.
#
#   ./scripts/minikube.sh              deploy (or update) and run the injector Job
#   ./scripts/minikube.sh --no-build   the same with the images already in minikube
#   ./scripts/minikube.sh --down       delete the namespace nats-bank and everything in it (volumes too)
#
# Environment: MINIKUBE_PROFILE (default minikube); MINIKUBE_CPUS (4) and MINIKUBE_MEMORY (6g) when it
# starts a new cluster; ROLLOUT_TIMEOUT (600s) for each wait; JOB_TIMEOUT_SECONDS (1800) for the Job.
# It uses kubectl when installed, else `minikube kubectl --`.
set -euo pipefail
cd "$(dirname "$0")/.."

NAMESPACE=nats-bank
OVERLAY=deploy/k8s/overlays/minikube
IMAGE_TAG=0.1.0
SERVICES=(producer consumer injector)
JOB=injector

PROFILE=${MINIKUBE_PROFILE:-minikube}
CPUS=${MINIKUBE_CPUS:-4}
MEMORY=${MINIKUBE_MEMORY:-6g}
ROLLOUT_TIMEOUT=${ROLLOUT_TIMEOUT:-600s}
JOB_TIMEOUT_SECONDS=${JOB_TIMEOUT_SECONDS:-1800}

log() { printf '%s minikube.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

build=1
down=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --down) down=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done

command -v minikube >/dev/null || die "minikube is not installed (https://minikube.sigs.k8s.io/docs/start/)"
if command -v kubectl >/dev/null; then
  KUBECTL=(kubectl --context "$PROFILE")
else
  KUBECTL=(minikube -p "$PROFILE" kubectl --)
fi
k() { "${KUBECTL[@]}" "$@"; }

if [ "$down" = 1 ]; then
  log "deleting namespace $NAMESPACE (volumes included)"
  k delete namespace "$NAMESPACE" --ignore-not-found --wait=true --timeout="$ROLLOUT_TIMEOUT"
  log "done; 'minikube -p $PROFILE stop' stops the cluster itself"
  exit 0
fi

if ! minikube -p "$PROFILE" status >/dev/null 2>&1; then
  log "starting minikube (profile $PROFILE, $CPUS CPUs, $MEMORY memory)"
  minikube -p "$PROFILE" start --cpus="$CPUS" --memory="$MEMORY"
fi

if [ "$build" = 1 ]; then
  for service in "${SERVICES[@]}"; do
    log "building natsbank/$service:$IMAGE_TAG inside minikube"
    minikube -p "$PROFILE" image build -t "natsbank/$service:$IMAGE_TAG" -f "docker/$service/Dockerfile" .
  done
fi

# A Job's pod template cannot change: the previous run goes, and the apply below creates it anew
# (suspended) with whatever changed.
k -n "$NAMESPACE" delete job "$JOB" --ignore-not-found --wait=true >/dev/null 2>&1 || true

running_before=$(k -n "$NAMESPACE" get deployments -o name 2>/dev/null || true)
log "applying $OVERLAY"
k apply -k "$OVERLAY"

# A rebuilt image keeps its tag: restart the services that were already running, so they take it.
if [ "$build" = 1 ] && [ -n "$running_before" ]; then
  k -n "$NAMESPACE" rollout restart deployment
fi

log "waiting for NATS, PostgreSQL and the participants (at most $ROLLOUT_TIMEOUT each)"
k -n "$NAMESPACE" rollout status statefulset/nats --timeout="$ROLLOUT_TIMEOUT"
k -n "$NAMESPACE" rollout status statefulset/postgres --timeout="$ROLLOUT_TIMEOUT"
for deployment in $(k -n "$NAMESPACE" get deployments -o name); do
  k -n "$NAMESPACE" rollout status "$deployment" --timeout="$ROLLOUT_TIMEOUT"
done

log "running the injector Job"
k -n "$NAMESPACE" patch job "$JOB" --type=merge -p '{"spec":{"suspend":false}}'
started=$(date +%s)
outcome=""
while [ -z "$outcome" ]; do
  conditions=$(k -n "$NAMESPACE" get job "$JOB" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
  if [[ " $conditions " == *" Complete "* ]]; then
    outcome=succeeded
  elif [[ " $conditions " == *" Failed "* ]]; then
    outcome=failed
  elif [ $(( $(date +%s) - started )) -gt "$JOB_TIMEOUT_SECONDS" ]; then
    outcome="still running after ${JOB_TIMEOUT_SECONDS}s"
  else
    sleep 5
  fi
done

logs=$(k -n "$NAMESPACE" logs "job/$JOB" --tail=2000 || true)
audit=$(printf '%s\n' "$logs" | grep '^audit: ' | tail -1 || true)
log "injector Job $outcome"
if [ -z "$audit" ]; then
  printf '%s\n' "$logs" | tail -30 >&2
  die "the injector Job printed no audit line (logs above; kubectl -n $NAMESPACE logs job/$JOB)"
fi
printf '%s\n' "$audit"
[ "$outcome" = succeeded ] || exit 1
log "outcomes per participant: kubectl -n $NAMESPACE exec -it postgres-0 -- psql -U natsbank natsbank_bank_p1"

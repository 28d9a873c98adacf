#!/usr/bin/env bash
# Cloud TPU VMs through queued resources: create, setup, run, logs, status, delete, watch.
#
#   launch/tpu/tpu.sh COMMAND --name NAME --zone ZONE [options] [-- xstilts flags]
#
#   create   queue a TPU (on-demand, --spot or --reserved) and wait until it is ACTIVE
#   setup    on every worker: Python >= 3.11 (uv), a virtualenv, the package with jax[tpu]
#   run      start the experiment in the background on every worker (it survives a dropped
#            ssh); the log goes to ~/xstilts/logs/ and, when the run ends, into WORKDIR/logs/
#   logs     the end of worker --worker's log (0 by default; `all` for every worker)
#   status   the queued resource, the node and the job on every worker
#   delete   delete the queued resource and its node
#   watch    keep a (spot) run going until WORKDIR/results.json exists: after a preemption
#            delete, create, setup and run again; the run resumes from its last checkpoint
#
# Options (environment variables in brackets):
#   --name NAME            queued resource id and node id [TPU_NAME]
#   --zone ZONE            [ZONE]
#   --project PROJECT      [PROJECT]; else gcloud's configured project
#   --accelerator TYPE     v4-8, v5litepod-8, v5p-8, v6e-8, ... [ACCELERATOR]; default v4-8
#   --runtime-version V    default: chosen from the accelerator type (README, "TPU and GPU")
#   --spot | --reserved    provisioning model; on-demand by default
#   --package SPEC         what `pip install` gets on the workers [XSTILTS_PACKAGE]; default:
#                          this checkout (its files are copied to every worker). E.g.
#                          'xstilts-jax[tpu] @ git+https://github.com/ORG/xstilts-jax@v0.1.0'
#   --config FILE          relative to the checkout [CONFIG]; default configs/xlmr_large.py
#   --workdir DIR          passed to --workdir as it is [WORKDIR]: gs://BUCKET/runs/mnli (the
#                          run writes the bucket itself; nothing is mounted), or a path
#                          every worker sees
#   --worker N|all         for logs; default 0
#   --interval SECONDS     polling interval of create and watch; default 60
#   --no-wait              create: return once the request is queued, not when it is ACTIVE
#   --dry-run              print every gcloud call instead of making it; change nothing
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
die() { echo "tpu.sh: $*" >&2; exit 1; }

name=${TPU_NAME:-} zone=${ZONE:-} project=${PROJECT:-} accelerator=${ACCELERATOR:-v4-8}
runtime_version='' provisioning='' package=${XSTILTS_PACKAGE:-}
config=${CONFIG:-configs/xlmr_large.py} workdir=${WORKDIR:-} worker=0 interval=60 dry_run=0 wait=1
command=${1:-}
[ -n "$command" ] || usage
shift
if [ "$command" = help ] || [ "$command" = --help ]; then usage 0; fi
options=("$@")  # watch runs each step as `$0 STEP "${options[@]}"`
xstilts_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --spot|--reserved|--dry-run|--no-wait|--) ;;
    --*) [ $# -ge 2 ] || die "$1 needs a value" ;;
  esac
  case "$1" in
    --name) name=$2; shift ;;
    --zone) zone=$2; shift ;;
    --project) project=$2; shift ;;
    --accelerator) accelerator=$2; shift ;;
    --runtime-version) runtime_version=$2; shift ;;
    --spot) provisioning=--spot ;;
    --reserved) provisioning=--reserved ;;
    --package) package=$2; shift ;;
    --config) config=$2; shift ;;
    --workdir) workdir=$2; shift ;;
    --worker) worker=$2; shift ;;
    --interval) interval=$2; shift ;;
    --dry-run) dry_run=1 ;;
    --no-wait) wait=0 ;;
    --) shift; xstilts_args=("$@"); break ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[ -n "$name" ] || die 'set --name (or TPU_NAME)'
[ -n "$zone" ] || die 'set --zone (or ZONE)'

# Google's table of TPU software versions for JAX (cloud.google.com/tpu/docs/runtimes).
if [ -z "$runtime_version" ]; then
  case "$accelerator" in
    v6e-*) runtime_version=v2-alpha-tpuv6e ;;
    v5p-*) runtime_version=v2-alpha-tpuv5 ;;
    v5litepod-*) runtime_version=v2-alpha-tpuv5-lite ;;
    v2-*|v3-*|v4-*) runtime_version=tpu-ubuntu2204-base ;;
    *) die "no runtime version known for --accelerator $accelerator; pass --runtime-version" ;;
  esac
fi

checkout=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2088  # the tilde is the worker's: its shell expands it
remote_home='~/xstilts'
location=(--zone="$zone")
[ -z "$project" ] || location+=(--project="$project")

gcloud_call() {  # every call to the cloud goes through here
  if [ "$dry_run" = 1 ]; then
    printf '+ gcloud'; printf ' %q' "$@"; printf '\n'
  else
    gcloud "$@"
  fi
}
on_workers() {  # on_workers WORKER COMMAND: a command in the workers' login shell
  gcloud_call compute tpus tpu-vm ssh "$name" "${location[@]}" --worker="$1" --command="$2"
}
quote() { printf '%q ' "$@"; }

queued_state() {  # ACTIVE, WAITING_FOR_RESOURCES, SUSPENDED, FAILED, ...; '' when there is none
  gcloud compute tpus queued-resources describe "$name" "${location[@]}" \
    --format='value(state.state)' 2>/dev/null || true
}
node_state() {  # READY, PREEMPTED, ...
  gcloud compute tpus tpu-vm describe "$name" "${location[@]}" --format='value(state)' \
    2>/dev/null || true
}
job_state() {  # on worker 0: bare (not set up), idle, running, exited CODE; or unreachable
  local out rc=0
  out=$(gcloud compute tpus tpu-vm ssh "$name" "${location[@]}" --worker=0 \
    --command="bash $remote_home/src/launch/tpu/worker_run.sh state" 2>/dev/null) || rc=$?
  case "$rc" in
    0) echo "$out" ;;
    127) echo bare ;;  # no worker_run.sh: never set up
    *) echo unreachable ;;  # ssh failed: ask again at the next poll
  esac
}
results_exist() {
  if [[ "$workdir" == gs://* ]]; then
    gcloud storage objects describe "${workdir%/}/results.json" >/dev/null 2>&1
  else
    gcloud compute tpus tpu-vm ssh "$name" "${location[@]}" --worker=0 \
      --command="test -f $(quote "${workdir%/}/results.json")" >/dev/null 2>&1
  fi
}

create() {
  local args=(compute tpus queued-resources create "$name" --node-id="$name" "${location[@]}"
              --accelerator-type="$accelerator" --runtime-version="$runtime_version")
  [ -z "$provisioning" ] || args+=("$provisioning")
  gcloud_call "${args[@]}"
}
wait_active() {
  [ "$dry_run" = 0 ] && [ "$wait" = 1 ] || return 0
  local state
  while true; do
    state=$(queued_state)
    case "$state" in
      ACTIVE) return 0 ;;
      FAILED|SUSPENDED|'') die "queued resource $name is ${state:-gone}" ;;
    esac
    echo "$(date -u +%T) $name: $state" >&2
    sleep "$interval"
  done
}
setup() {
  # The checkout's files (tracked and untracked, not the ignored) go to every worker: the
  # package, configs/ and the worker scripts.
  local bundle
  bundle=$(mktemp -u /tmp/xstilts-src.XXXXXX).tgz
  git -C "$checkout" rev-parse --git-dir >/dev/null 2>&1 \
    || die "$checkout is not a git checkout: the files to copy are the ones git lists"
  if [ "$dry_run" = 1 ]; then
    echo "+ (git ls-files -co --exclude-standard | tar czf $bundle -T -)"
  else
    (cd "$checkout" && git ls-files -co --exclude-standard -z | tar czf "$bundle" --null -T -)
  fi
  gcloud_call compute tpus tpu-vm scp "$bundle" "$name:xstilts-src.tgz" "${location[@]}" \
    --worker=all
  [ "$dry_run" = 1 ] || rm -f "$bundle"
  on_workers all "rm -rf $remote_home/src && mkdir -p $remote_home/src && \
tar xzf xstilts-src.tgz -C $remote_home/src && \
bash $remote_home/src/launch/tpu/worker_setup.sh $(quote "$package")"
}
run() {
  [ -n "$workdir" ] || die 'set --workdir (or WORKDIR)'
  on_workers all "bash $remote_home/src/launch/tpu/worker_run.sh start \
$(quote "$config" "$workdir" ${xstilts_args[@]+"${xstilts_args[@]}"})"
}
delete() {
  gcloud_call compute tpus queued-resources delete "$name" "${location[@]}" --force --quiet
}

watch() {
  [ -n "$workdir" ] || die 'set --workdir (or WORKDIR)'
  if [ "$dry_run" = 1 ]; then
    echo "watch polls the queued resource, the node and the job; after a preemption:"
    delete; create; setup; run
    return 0
  fi
  local state job
  step() {  # a step in its own process: its errors stop it, not the watch (next poll retries)
    "$0" "$1" --no-wait "${options[@]}" && return 0
    echo "$(date -u +%T) $name: $1 failed; trying again at the next poll" >&2
    return 1
  }
  while true; do
    state=$(queued_state)
    case "$state" in
      '')
        echo "$(date -u +%T) $name: no queued resource; creating it" >&2
        step create || true ;;
      SUSPENDING|SUSPENDED|FAILED)
        echo "$(date -u +%T) $name: $state (preempted); deleting and creating it again" >&2
        if step delete; then step create || true; fi ;;
      ACTIVE)
        state=$(node_state)
        case "$state" in
          PREEMPTED|TERMINATED)
            echo "$(date -u +%T) $name: node $state; deleting and creating it again" >&2
            if step delete; then step create || true; fi ;;
          READY)
            if results_exist; then
              echo "$(date -u +%T) $name: ${workdir%/}/results.json exists; done" >&2
              return 0
            fi
            job=$(job_state)
            case "$job" in
              running|unreachable) ;;
              bare) if step setup; then step run || true; fi ;;
              idle|'exited 75') step run || true ;;  # 75: stopped by SIGTERM with a checkpoint saved
              *) die "the run stopped ($job) without results.json; see: $0 logs --name $name --zone $zone" ;;
            esac ;;
        esac ;;
    esac
    sleep "$interval"
  done
}

case "$command" in
  create) create; wait_active ;;
  setup) setup ;;
  run) run ;;
  logs) on_workers "$worker" "tail -n 100 $remote_home/logs/*.log" ;;
  status)
    gcloud_call compute tpus queued-resources describe "$name" "${location[@]}"
    on_workers all "bash $remote_home/src/launch/tpu/worker_run.sh state" ;;
  delete) delete ;;
  watch) watch ;;
  *) die "unknown command $command (see --help)" ;;
esac

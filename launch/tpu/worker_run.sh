#!/usr/bin/env bash
# On one TPU VM worker (tpu.sh runs it on all of them):
#
#   bash worker_run.sh start CONFIG WORKDIR [xstilts flags]   start the run in the background
#   bash worker_run.sh state        bare (not set up), idle, running or "exited CODE"
#
# The run is a session of its own (setsid, nohup), so a dropped ssh does not stop it. Its log
# is ~/xstilts/logs/HOST.log while it runs, and is copied to WORKDIR/logs/HOST.log when it
# ends (exit code 75: stopped by SIGTERM, a preemption, with a checkpoint saved).
set -euo pipefail
home=$HOME/xstilts
pid_file=$home/run.pid
exit_file=$home/run.exit
log=$home/logs/$(hostname).log

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

case "${1:-}" in
  state)
    if [ ! -x "$home/venv/bin/python" ]; then echo bare
    elif running; then echo running
    elif [ -f "$exit_file" ]; then echo "exited $(cat "$exit_file")"
    else echo idle
    fi ;;
  start)
    shift
    [ $# -ge 2 ] || { echo 'usage: worker_run.sh start CONFIG WORKDIR [flags]' >&2; exit 2; }
    if running; then
      echo "$(hostname): already running (pid $(cat "$pid_file"))" >&2; exit 1
    fi
    mkdir -p "$home/logs"
    rm -f "$exit_file"
    setsid nohup bash "$0" attached "$@" >"$log" 2>&1 </dev/null &
    echo $! >"$pid_file"
    echo "$(hostname): started (pid $!), log $log" ;;
  attached)  # the background session itself
    shift
    config=$1 workdir=$2
    shift 2
    cd "$home/src"  # configs/ are relative to the checkout
    code=0
    "$home/venv/bin/python" -m xstilts_jax.main --config "$config" --workdir "$workdir" "$@" \
      || code=$?
    echo "$(date -u +%FT%T) exit code $code"
    if [[ "$workdir" == gs://* ]]; then
      gcloud storage cp "$log" "${workdir%/}/logs/$(hostname).log" || true
    else
      mkdir -p "$workdir/logs" && cp "$log" "$workdir/logs/$(hostname).log" || true
    fi
    echo "$code" >"$exit_file" ;;
  *)
    echo 'usage: worker_run.sh start CONFIG WORKDIR [flags] | state' >&2; exit 2 ;;
esac

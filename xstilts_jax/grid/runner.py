"""Runs the grid's runs one after another, each in its own subprocess.

A run is `python -m xstilts_jax.main --config BASE --workdir <root>/<cell>-s<seed>` with the
cell's overrides, the seed and the grid-wide ones as `--config.x=y` flags: a crash of one run
cannot take the grid down, and a run killed midway resumes through the experiment's own
resume when `run` is called again. Finished runs are skipped without starting anything.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from xstilts_jax.grid import state as state_lib


def _flag(field, value):
  if isinstance(value, bool):
    value = str(value)
  return f'--config.{field}={value}'


def command(base_config, run, root, extra=()):
  """The command line of one run: the cell's overrides and seed, then `extra` (all runs)."""
  return ([sys.executable, '-m', 'xstilts_jax.main', '--config', base_config,
           '--workdir', state_lib.workdir(root, run.name)] +
          [_flag(f, v) for f, v in tuple(run.overrides) + tuple(extra)])


def run_one(base_config, run, root, extra=(), log=print):
  """Runs (or resumes) one run; returns its final state dict. Skips a finished one."""
  current = state_lib.state(root, run.name)
  if current['state'] == state_lib.DONE:
    log(f'[{run.name}] done earlier')
    return current
  if current['state'] == state_lib.RUNNING:
    log(f'[{run.name}] running elsewhere (PID {current.get("pid")} on {current.get("host")}); '
        'skipped')
    return current
  cmd = command(base_config, run, root, extra)
  log_file = state_lib.log_path(root, run.name)
  os.makedirs(os.path.dirname(log_file), exist_ok=True)
  record = dict(run=run.name, cell=run.cell, seed=run.seed, command=cmd,
                workdir=state_lib.workdir(root, run.name), host=socket.gethostname(),
                log=log_file)
  log(f'[{run.name}] {"resuming" if current["state"] == state_lib.FAILED else "starting"}; '
      f'log {log_file}')
  t0 = time.time()
  with open(log_file, 'a', encoding='utf-8') as out:
    out.write(f'\n=== {time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())} '
              f'{" ".join(cmd)}\n')
    out.flush()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    state_lib.write_json(state_lib.status_path(root, run.name),
                         dict(record, state=state_lib.RUNNING, pid=proc.pid, started=t0,
                              process_start=state_lib.process_start(proc.pid),
                              runner_pid=os.getpid()))
    try:
      proc.wait()
    except KeyboardInterrupt:
      proc.send_signal(signal.SIGTERM)   # the experiment saves a checkpoint and exits 75
      proc.wait()
      raise
    finally:
      ok = proc.returncode == 0 and state_lib.results(root, run.name) is not None
      state_lib.write_json(state_lib.status_path(root, run.name), dict(
          record, state=state_lib.DONE if ok else state_lib.FAILED, pid=proc.pid, started=t0,
          process_start=state_lib.process_start(proc.pid),
          finished=time.time(), exit_code=proc.returncode,
          error=None if ok else state_lib.error_of(log_file, proc.returncode)))
  final = state_lib.state(root, run.name)
  took = time.time() - t0
  if final['state'] == state_lib.DONE:
    log(f'[{run.name}] done in {took:.0f}s')
  else:
    log(f'[{run.name}] FAILED after {took:.0f}s: {final["error"].splitlines()[0]}')
  return final


def run_all(base_config, runs, root, extra=(), log=print):
  """Runs every run in order; a failed one is recorded and the next starts. Returns the
  final states."""
  return [run_one(base_config, r, root, extra, log) for r in runs]

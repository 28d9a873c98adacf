"""Where each run of the grid stands: done, running, failed (with its error) or pending.

`run` writes `<root>/_grid/status/<run>.json` when it starts a run (PID, host, start time,
command) and again when the run ends (exit code, error: the run's `error:` message or last
line of its log). A run is done when its workdir holds `results.json` with scores (what the
experiment writes last). A run recorded as running whose process is gone (killed, machine
lost) is failed/interrupted; one on another host counts as running unless its workdir lock
(`<workdir>/.lock`, when the experiment writes one) names a dead process of this host.
"""

import json
import os
import signal
import socket
import time

# One liveness rule for a run's PID, the workdir lock's (host-local, PID reuse detected).
from xstilts_jax.train.workdir_lock import pid_alive, process_start  # noqa: F401

GRID_DIR = '_grid'
_ERROR_LINES = 40
DONE, RUNNING, FAILED, PENDING = 'done', 'running', 'failed', 'pending'


def grid_dir(root, *parts):
  return os.path.join(os.path.abspath(root), GRID_DIR, *parts)


def status_path(root, run_name):
  return grid_dir(root, 'status', run_name + '.json')


def log_path(root, run_name):
  return grid_dir(root, 'logs', run_name + '.log')


def workdir(root, run_name):
  return os.path.join(os.path.abspath(root), run_name)


def read_json(path):
  try:
    with open(path, encoding='utf-8') as f:
      return json.load(f)
  except (OSError, ValueError):
    return None   # absent, or torn by a writer killed mid-write on a filesystem without rename


def write_json(path, obj):
  """Atomic: a reader sees the old file or the new one, never half of one."""
  os.makedirs(os.path.dirname(path), exist_ok=True)
  tmp = f'{path}.{socket.gethostname()}.{os.getpid()}.tmp'
  with open(tmp, 'w', encoding='utf-8') as f:
    json.dump(obj, f, indent=1, ensure_ascii=False)
    f.write('\n')
  os.replace(tmp, path)


def results(root, run_name):
  """The scores dict of a finished run, else None."""
  r = read_json(os.path.join(workdir(root, run_name), 'results.json'))
  return r.get('scores') if isinstance(r, dict) else None


def error_of(log_file, exit_code):
  """What went wrong, from a run's log: its `error:` message (preflight lists everything
  missing, one line each), else the signal or exit code 75, else the last line (a
  traceback's exception)."""
  try:
    with open(log_file, encoding='utf-8', errors='replace') as f:
      lines = [l.rstrip() for l in f if l.strip()]
  except OSError:
    lines = []
  if lines and lines[-1].startswith('=== '):
    lines = []     # only the header of a run that wrote nothing
  starts = [i for i, l in enumerate(lines) if l.startswith('error:')]
  if starts:
    text = '\n'.join(lines[starts[-1]:starts[-1] + _ERROR_LINES])
  elif exit_code is None:
    text = 'the grid runner stopped while the run was going'
  elif exit_code == 75:
    text = 'stopped by SIGTERM after saving a checkpoint (exit 75); `run` resumes it'
  elif exit_code < 0:
    text = f'killed by signal {signal.Signals(-exit_code).name}'
  else:
    text = lines[-1] if lines else f'exit code {exit_code}, empty log'
  return text if exit_code is None else f'exit code {exit_code}: {text}'


def _holder_dead_here(root, run_name):
  lock = read_json(os.path.join(workdir(root, run_name), '.lock'))
  return (isinstance(lock, dict) and lock.get('host') == socket.gethostname() and
          isinstance(lock.get('pid'), int) and not pid_alive(lock['pid']))


def state(root, run_name):
  """{'run', 'state', 'error', 'pid', 'host', 'started', 'finished', 'exit_code', ...}."""
  record = read_json(status_path(root, run_name)) or {}
  out = dict(record, run=run_name)
  if results(root, run_name) is not None:
    return dict(out, state=DONE, error=None)
  if not record:
    return dict(out, state=PENDING, error=None)
  if record.get('state') == RUNNING:
    here = record.get('host') == socket.gethostname()
    if here and not pid_alive(record.get('pid'), record.get('process_start')) or (
        not here and _holder_dead_here(root, run_name)):
      since = time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(record.get('started', 0)))
      return dict(out, state=FAILED, error=(
          f'interrupted: PID {record.get("pid")} on {record.get("host")} (started {since}) '
          'is gone and left no results; `run` resumes it. Its log ends: ' +
          error_of(record.get('log', ''), None)))
    return dict(out, state=RUNNING, error=None)
  if record.get('state') == FAILED:
    return dict(out, state=FAILED)
  # Recorded as finished with exit 0 but without scores (results.json removed since).
  return dict(out, state=FAILED, error=record.get('error') or 'finished without results.json')

"""One run per workdir: a lock file holding the holder's host, PID and start time.

Two runs on one workdir train the same phases at once and destroy each other's checkpoints
and logs, so the second stops at once with one line naming the holder. The lock is taken
atomically (storage.create_exclusive: locally a temp file os.link'ed to `<workdir>/.lock`, the
link failing if the lock exists, so that a reader never sees a half-written lock; on GCS an
upload with the precondition ifGenerationMatch=0) and removed on exit. A lock
left by a killed run is stale when its host is this host and its process is gone (or the
PID now belongs to a process started later); it is then taken over with a message. A lock
from another host is never taken over: its run might be alive.

Multi-host: process 0 takes the lock for the job; the others learn the outcome from it (its
message, naming the holder, is broadcast).
"""

import contextlib
import json
import os
import socket
import time

from xstilts_jax import storage

LOCK_NAME = '.lock'
MESSAGE_BYTES = 2048  # process 0's outcome, broadcast to the others


class WorkdirBusy(Exception):
  """Another run holds the workdir."""


def process_start(pid: int):
  """The process's start time in clock ticks since boot (Linux), or None: tells a live
  process from a later one that got the same PID."""
  try:
    with open(f'/proc/{pid}/stat') as f:
      return int(f.read().rsplit(')', 1)[1].split()[19])
  except (OSError, ValueError, IndexError):
    return None


def pid_alive(pid, started=None) -> bool:
  """Whether `pid` runs on this host (and, with `started`, is the process that started then)."""
  if not isinstance(pid, int) or pid <= 0:
    return False
  try:
    os.kill(pid, 0)
  except ProcessLookupError:
    return False
  except PermissionError:
    pass  # exists, another user's
  return started is None or process_start(pid) in (None, started)


def _alive(holder: dict) -> bool:
  return pid_alive(holder.get('pid'), holder.get('process_start'))


def _describe(holder: dict) -> str:
  when = holder.get('started')
  since = time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(when)) if when else '?'
  return f'PID {holder.get("pid")} on {holder.get("host")} (since {since})'


class WorkdirLock:
  """`with WorkdirLock(workdir):` — raises WorkdirBusy when another live run holds it."""

  def __init__(self, workdir: str, log=print):
    self.path = os.path.join(storage.absolute(workdir), LOCK_NAME)
    self.log = log
    self.held = False

  def acquire(self):
    storage.makedirs(os.path.dirname(self.path))
    me = {'host': socket.gethostname(), 'pid': os.getpid(), 'started': time.time(),
          'process_start': process_start(os.getpid())}
    for _ in range(3):
      if storage.create_exclusive(self.path, json.dumps(me)):
        self.held = True
        return self
      holder = self._read()
      if holder is None:
        continue  # released meanwhile
      if holder and (holder.get('host') != me['host'] or _alive(holder)):
        raise WorkdirBusy(
            f'{os.path.dirname(self.path)} is in use by the run of {_describe(holder)}; '
            f'wait for it to finish (or, if that run is gone, delete {self.path})')
      self.log(f'[workdir] taking over the lock of {_describe(holder)}: that process is '
               'gone (killed)')
      self._remove_if(holder)
    raise WorkdirBusy(f'{self.path}: could not take the lock (it keeps changing)')

  def _read(self):
    try:
      return json.loads(storage.read_text(self.path))
    except FileNotFoundError:
      return None
    except ValueError:
      return {}  # not written by a run (we create whole files): no holder, taken over

  def _remove_if(self, holder):
    # Only the lock we judged stale: another run may have taken it over in between.
    if self._read() == holder:
      storage.remove(self.path)

  def release(self):
    if self.held:
      self.held = False
      storage.remove(self.path)

  def __enter__(self):
    return self if self.held else self.acquire()

  def __exit__(self, *exc):
    self.release()


def job_lock(workdir: str, log=print):
  """The lock of a job of jax.process_count() processes: process 0 takes it, the others learn
  the outcome from it (a collective: every process calls this). Raises WorkdirBusy, on every
  process with process 0's message. Returns the context that holds it (process 0: the lock;
  the others: nothing)."""
  import jax  # pylint: disable=g-import-not-at-top
  import numpy as np  # pylint: disable=g-import-not-at-top
  from jax.experimental import multihost_utils  # pylint: disable=g-import-not-at-top
  lock, error = WorkdirLock(workdir, log), ''
  if jax.process_index() == 0:
    try:
      lock.acquire()
    except WorkdirBusy as e:
      error = str(e)
  if jax.process_count() > 1:
    # Process 0's message itself (empty: taken), so that every process names the holder.
    sent = np.zeros(MESSAGE_BYTES, np.uint8)
    raw = error.encode()[:MESSAGE_BYTES]
    sent[:len(raw)] = np.frombuffer(raw, np.uint8)
    got = np.asarray(multihost_utils.broadcast_one_to_all(sent), np.uint8)
    error = got.tobytes().rstrip(b'\0').decode(errors='replace')
  if error:
    raise WorkdirBusy(error)
  # The others hold nothing: entering their WorkdirLock would take it (and find process 0's).
  return lock if jax.process_index() == 0 else contextlib.nullcontext()

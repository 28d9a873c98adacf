"""SIGTERM honoured from the first instruction to the last, and the stage test hook.

main.py calls `install()` first thing: SIGTERM then only sets a flag, so whatever is in
progress (a training step, a checkpoint save, one language's evaluation, a report file)
completes; the run stops at the next `check(stage)` by raising `Preempted`, and main.py exits
with 75. Stages: 'startup', each training step (train/loop.py), 'phase_done.<phase>' (after a
phase, e.g. phase_done.intermediate), 'zero_shot' and 'retrieval' (after each language),
'report' (after the report files, before results.json).

Multi-process runs (jax.distributed) leave SIGTERM to JAX's preemption service, which agrees
on a training step across processes (checkpoints.PreemptionGuard); main.py calls
`multi_process()` there, so a flag set on one process alone never stops only that one.

Test hook (as config.debug.nan_at_step): XSTILTS_TEST_SIGNAL_AT=<stage>:<SIGNAL> makes the
process send itself SIGNAL (TERM, KILL, STOP, ...) the first time it reaches <stage>; the
fault-injection tests (tests/train/test_workdir_faults.py) use it to hit stages exactly.
Stages only the hook knows: 'compile' (before the first training step), 'save' (a checkpoint
save in flight: the first one reached, or 'save@<step>' the save of that step, e.g. a phase's
last).
"""

import os
import signal
import sys
import threading
from typing import Optional

TEST_SIGNAL_ENV = 'XSTILTS_TEST_SIGNAL_AT'
_requested = False
_installed = False
_previous = signal.SIG_DFL
_ignored = False
_fired = set()


class Preempted(Exception):
  """SIGTERM arrived; what was in progress was saved. Run the same command to resume."""


def _on_sigterm(signum, frame):
  del signum, frame
  global _requested
  if not _requested:
    print('SIGTERM: stopping at the next safe point (a save in progress completes first)',
          file=sys.stderr, flush=True)
  _requested = True


def install() -> bool:
  """Routes SIGTERM to the flag (main thread only); True when this call installed it."""
  global _installed, _previous
  if _installed or threading.current_thread() is not threading.main_thread():
    return False
  _previous = signal.signal(signal.SIGTERM, _on_sigterm)
  _installed = True
  return True


def uninstall():
  global _installed, _requested
  if _installed:
    signal.signal(signal.SIGTERM, _previous)
  _installed = _requested = False


def multi_process():
  """Processes must stop together: only JAX's preemption sync point decides."""
  global _ignored
  _ignored = True


def requested() -> bool:
  return _requested and not _ignored


def test_point(stage: str, step: Optional[int] = None):
  """The test hook: signals this process when XSTILTS_TEST_SIGNAL_AT names `stage` (or
  `stage@step`)."""
  want = os.environ.get(TEST_SIGNAL_ENV, '')
  name, _, sig = want.partition(':')
  if not want or name in _fired or name not in (stage, f'{stage}@{step}'):
    return
  _fired.add(name)
  os.kill(os.getpid(), getattr(signal, 'SIG' + (sig or 'TERM')))


def check(stage: str, what: str = ''):
  """Raises Preempted when SIGTERM has arrived; `what` says what is saved so far."""
  test_point(stage)
  if requested():
    raise Preempted(what or f'at {stage}')

"""A phase killed and started again ends bitwise identical to one never interrupted.

Each run is `python -m xstilts_jax.main` in a subprocess on the tiny config (intermediate
phase only, MNLI + continued MLM: the multi-task sampler and the MLM masks must resume too):
SIGKILL after a checkpoint, then the same command again; SIGTERM (saves, exits
75), then again; and a NaN loss (stops with a clear error, the last good checkpoint kept).
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import orbax.checkpoint as ocp
import pytest

import jax

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(ROOT, '.jax_cache')
# Kills land after the first of three checkpoints; model selection compares two dev evals.
STEPS, EVERY, EVAL_EVERY = 60, 20, 30


def _cmd(workdir, *extra):
  return [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
          '--workdir', str(workdir), '--config.targets=', '--config.intermediate.tasks=mnli,mlm',
          f'--config.intermediate.num_steps={STEPS}', f'--config.checkpoint.every={EVERY}',
          f'--config.intermediate.eval_every={EVAL_EVERY}', '--config.intermediate.log_every=20',
          f'--config.compilation_cache={CACHE}', *extra]


def _env():
  return dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)


def _run(workdir, *extra, timeout=240):
  p = subprocess.run(_cmd(workdir, *extra), cwd=ROOT, env=_env(), capture_output=True,
                     text=True, timeout=timeout)
  return p


def _start(workdir, *extra):
  return subprocess.Popen(_cmd(workdir, *extra), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def _wait_for(path, proc, timeout=180):
  end = time.time() + timeout
  while not os.path.isdir(path):
    if proc.poll() is not None:
      raise AssertionError(f'run ended (rc {proc.returncode}) before {path} appeared:\n'
                           f'{proc.stderr.read()[-3000:]}')
    if time.time() > end:
      proc.kill()
      raise AssertionError(f'{path} did not appear in {timeout}s')
    time.sleep(0.02)


def _phase(workdir):
  return os.path.join(workdir, 'intermediate')


def _steps(workdir):
  d = os.path.join(_phase(workdir), 'checkpoints')
  return sorted(int(s) for s in os.listdir(d) if s.isdigit()) if os.path.isdir(d) else []


def _restore(path):
  with ocp.StandardCheckpointer() as ckptr:
    return ckptr.restore(path)


def _assert_bitwise(a, b):
  la, lb = jax.tree_util.tree_leaves_with_path(a), jax.tree_util.tree_leaves_with_path(b)
  assert [p for p, _ in la] == [p for p, _ in lb]
  for (path, x), (_, y) in zip(la, lb):
    x, y = np.asarray(x), np.asarray(y)
    assert x.dtype == y.dtype and x.shape == y.shape, jax.tree_util.keystr(path)
    assert x.tobytes() == y.tobytes(), \
        f'{jax.tree_util.keystr(path)} differs'


def _final(workdir):
  """(final TrainState, best params) as saved on disk."""
  phase = _phase(workdir)
  state = _restore(os.path.join(phase, 'checkpoints', str(STEPS), 'state'))
  best_step, = [s for s in os.listdir(os.path.join(phase, 'best')) if s.isdigit()]
  best = _restore(os.path.join(phase, 'best', best_step, 'params'))
  return state, best


@pytest.fixture(scope='module')
def reference(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('reference')
  p = _run(workdir)
  assert p.returncode == 0, p.stderr[-3000:]
  assert os.path.exists(os.path.join(_phase(workdir), 'results.json'))
  return workdir


def test_sigkill_then_rerun_is_bitwise_identical(reference, tmp_path):
  proc = _start(tmp_path)
  _wait_for(os.path.join(_phase(tmp_path), 'checkpoints', str(EVERY)), proc)
  proc.send_signal(signal.SIGKILL)
  proc.communicate(timeout=60)
  assert proc.returncode == -signal.SIGKILL
  killed_at = _steps(tmp_path)
  assert killed_at and max(killed_at) < STEPS, f'not killed in the middle: {killed_at}'
  assert not os.path.exists(os.path.join(_phase(tmp_path), 'results.json'))

  p = _run(tmp_path)
  assert p.returncode == 0, p.stderr[-3000:]
  assert f'resumed at step {max(killed_at)}' in p.stdout
  state, best = _final(tmp_path)
  ref_state, ref_best = _final(reference)
  _assert_bitwise(state, ref_state)
  _assert_bitwise(best, ref_best)


def test_sigterm_saves_and_exits_then_resumes_identically(reference, tmp_path):
  proc = _start(tmp_path)
  _wait_for(os.path.join(_phase(tmp_path), 'checkpoints', str(EVERY)), proc)
  proc.send_signal(signal.SIGTERM)
  _, err = proc.communicate(timeout=120)
  assert proc.returncode == 75, err[-3000:]  # main.EXIT_PREEMPTED
  assert 'Stopped by SIGTERM' in err
  stopped = max(_steps(tmp_path))
  assert f'stopped at step {stopped} of {STEPS}' in err
  assert stopped < STEPS
  # The checkpoint at the stopping step is complete: it restores.
  _restore(os.path.join(_phase(tmp_path), 'checkpoints', str(stopped), 'state'))

  p = _run(tmp_path)
  assert p.returncode == 0, p.stderr[-3000:]
  state, best = _final(tmp_path)
  ref_state, ref_best = _final(reference)
  _assert_bitwise(state, ref_state)
  _assert_bitwise(best, ref_best)


def test_nan_loss_stops_with_clear_error_and_keeps_last_checkpoint(tmp_path):
  p = _run(tmp_path, '--config.debug.nan_at_step=50')
  assert p.returncode == 1, p.stderr[-3000:]
  assert 'non-finite loss at step 50' in p.stderr
  assert 'last good checkpoint (step 40)' in p.stderr
  assert 'Traceback' not in p.stderr
  assert _steps(tmp_path) == [20, 40]
  assert not os.path.exists(os.path.join(_phase(tmp_path), 'results.json'))
  state = _restore(os.path.join(_phase(tmp_path), 'checkpoints', '40', 'state'))
  assert all(np.isfinite(np.asarray(x)).all() for x in jax.tree.leaves(state['params']))


def test_nan_read_one_step_late_still_never_reaches_a_checkpoint(tmp_path):
  """The loop reads a step's non-finite flag once the next step is dispatched (no sync per
  step): a NaN at step 18, whose successor 19 ends at the checkpoint step 20, must stop the run
  before that save, name step 18, and log no row for it or after it."""
  p = _run(tmp_path, '--config.debug.nan_at_step=18', '--config.checkpoint.every=10',
           '--config.intermediate.log_every=1')
  assert p.returncode == 1, p.stderr[-3000:]
  assert 'non-finite loss at step 18' in p.stderr
  assert 'last good checkpoint (step 10)' in p.stderr
  assert 'Traceback' not in p.stderr
  assert _steps(tmp_path) == [10]
  rows = [json.loads(l) for l in open(os.path.join(_phase(tmp_path), 'metrics.jsonl'))]
  assert max(r['step'] for r in rows if any(k.startswith('train') for k in r)) == 18

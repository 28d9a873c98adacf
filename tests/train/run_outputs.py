"""What a finished run hands over, read for comparing two runs byte for byte (the resume and
fault tests: a rerun must end identical to an uninterrupted one), and `stopped`, the wait for a
run the test hook has stopped at its stage."""

import json
import os
import time

import jax
import numpy as np
import orbax.checkpoint as ocp


def files(workdir):
  """{relative path: bytes} of what the run hands over (plots aside: PNG metadata varies)."""
  out = {}
  for top in ('predictions', 'labels', 'report'):
    for folder, _, names in os.walk(os.path.join(workdir, top)):
      for name in names:
        if not name.endswith('.png'):
          path = os.path.join(folder, name)
          with open(path, 'rb') as f:
            out[os.path.relpath(path, workdir)] = f.read()
  return out


def metrics(workdir, phase):
  """A phase's metrics.jsonl rows, wall-clock rates left out (they differ between runs)."""
  with open(os.path.join(workdir, phase, 'metrics.jsonl')) as f:
    rows = [json.loads(line) for line in f]
  timings = ('train/steps_per_sec', 'train/examples_per_sec')
  return [{k: v for k, v in r.items() if k not in timings} for r in rows]


def best(workdir, phase):
  """(step, [(parameter path, bytes)]) of a phase's best checkpoint."""
  folder = os.path.join(workdir, phase, 'best')
  step, = [s for s in os.listdir(folder) if s.isdigit()]
  with ocp.StandardCheckpointer() as ckptr:
    params = ckptr.restore(os.path.join(folder, step, 'params'))
  return step, [(jax.tree_util.keystr(p), np.asarray(x).tobytes())
                for p, x in jax.tree_util.tree_leaves_with_path(params)]


def stopped(proc, timeout=240):
  """Waits until the process has stopped itself (SIGSTOP from the test hook)."""
  end = time.time() + timeout
  while time.time() < end:
    try:
      with open(f'/proc/{proc.pid}/stat') as f:
        if f.read().rsplit(')', 1)[1].split()[0] == 'T':
          return
    except FileNotFoundError:
      pass
    if proc.poll() is not None:
      raise AssertionError(f'run ended (rc {proc.returncode}) before stopping:\n'
                           f'{proc.stderr.read()[-3000:]}')
    time.sleep(0.05)
  proc.kill()
  raise AssertionError('the run did not reach its stage')

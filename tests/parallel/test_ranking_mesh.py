"""The dual encoder's in-batch negatives span the global batch: 8 simulated CPU devices."""

import os
import subprocess
import sys

import numpy as np

import subprocess_util

SCRIPT = os.path.join(subprocess_util.HERE, 'run_ranking_steps.py')


def test_in_batch_negatives_over_all_devices():
  env = subprocess_util.env(8)
  # LLVM -O0 halves the compile time that dominates here (as configs/tiny.py does).
  env['XLA_FLAGS'] += ' --xla_backend_optimization_level=0'
  proc = subprocess.Popen([sys.executable, SCRIPT, '--meshes', '1,1,1:8,1,1', '--steps', '2'],
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
  try:
    out, _ = proc.communicate(timeout=300)
  finally:
    proc.kill()
  assert proc.returncode == 0, out[-3000:]
  res = subprocess_util.results(out)
  one, eight = res['1,1,1'], res['8,1,1']
  # embedding = normalize(pooler_output), whether candidates share the queries' pass or not.
  assert one['pooled_error'] < 1e-6
  assert eight['local_rows'] == 1  # one query and one candidate per device
  # The first loss is the numpy cross-entropy over all 8 candidates (a per-device loss would
  # be 0: one candidate, its own), on both meshes; training then stays the same.
  for r in (one, eight):
    np.testing.assert_allclose(r['losses'][0], r['numpy_first_loss'], rtol=1e-5)
  assert one['losses'][0] > 0.5
  np.testing.assert_allclose(eight['losses'], one['losses'], rtol=1e-5)
  assert one['losses'][0] != one['losses'][1]  # the step updates
  # The logit scale is trained (XTREME-R's is a parameter), the same on both meshes.
  assert one['logit_scale'] != 100.0
  np.testing.assert_allclose(eight['logit_scale'], one['logit_scale'], rtol=1e-6)

"""The robustness gold scorer and adversarial search on 8 simulated CPU devices give the
one-device numbers: scoring is sharded like evaluation, never changed by it."""

import importlib.util
import os
import subprocess
import sys

import numpy as np

import subprocess_util

SCRIPT = os.path.join(subprocess_util.HERE, 'run_robustness_scoring.py')
CONFTEST = os.path.join(subprocess_util.HERE, '..', 'robustness', 'conftest.py')
TASKS = ('xnli', 'udpos', 'xquad')  # classification, tagging, span QA
# fp32 on CPU, the batch or the weights split 8 ways: 1e-5, relative for the large tagging
# log-likelihoods (a sum over words, |x| ~ 30, where float32's spacing is 4e-6; measured 8e-6
# absolute, 2e-6 for the others) and absolute near 0. A wrong row or shard is off by >1e-3.
TOL = 1e-5


def _robustness_fixtures():
  """tests/robustness/conftest.py (tiny_config, write_workdir), loaded under its own name."""
  spec = importlib.util.spec_from_file_location('robustness_fixtures', CONFTEST)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def _start(workdir, meshes, num_devices):
  env = subprocess_util.env(num_devices)
  env['XLA_FLAGS'] += ' --xla_backend_optimization_level=0'  # compile time dominates (tiny.py)
  return subprocess.Popen([sys.executable, SCRIPT, '--workdir', workdir, '--meshes', meshes,
                           '--tasks', ','.join(TASKS)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_scores_and_attacks_match_one_device(tmp_path):
  fixtures = _robustness_fixtures()
  workdir = str(tmp_path / 'wd')
  # N(0, 0.3) weights: log-probabilities far from uniform, so edits rank by clear margins.
  fixtures.write_workdir(fixtures.tiny_config(), workdir, std=0.3)
  # One process per device count, both at once: data parallel and fsdp-sharded parameters.
  procs = [_start(workdir, '1,1,1', 1), _start(workdir, '8,1,1:1,8,1', 8)]
  res = {}
  try:
    for proc in procs:
      out, _ = proc.communicate(timeout=300)
      assert proc.returncode == 0, out[-3000:]
      res.update(subprocess_util.results(out))
  finally:
    for proc in procs:
      proc.kill()
  one = res['1,1,1']
  assert res['1,8,1']['tasks']['xnli']['param_sharded']  # fsdp splits some parameters
  assert not res['8,1,1']['tasks']['xnli']['param_sharded']  # data parallel replicates them
  for name in TASKS:
    ref = one['tasks'][name]
    assert ref['examples'] >= 20, name
    lp = np.array(ref['gold_logprob'])
    assert np.isfinite(lp).all() and len(set(lp.round(6))) > ref['examples'] // 2, name
    # Edits were found (the comparison below compares something).
    assert any(ref['edits']), name
    for mesh in ('8,1,1', '1,8,1'):
      got = res[mesh]['tasks'][name]
      assert got['param_devices'] == 8
      np.testing.assert_allclose(got['gold_logprob'], ref['gold_logprob'], rtol=TOL, atol=TOL,
                                 err_msg=f'{name} {mesh}')
      assert got['correct'] == ref['correct'], (name, mesh)
      assert got['argmax'] == ref['argmax'], (name, mesh)  # every class, tag, start and end
      assert got['edits'] == ref['edits'], (name, mesh)
      np.testing.assert_allclose(got['attack_logprob'], ref['attack_logprob'], rtol=TOL,
                                 atol=TOL, err_msg=f'{name} {mesh}')
      assert got['attack_correct'] == ref['attack_correct'], (name, mesh)

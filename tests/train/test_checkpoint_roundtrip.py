"""Checkpoints: bitwise round trip, a broken newest checkpoint falls back to the previous one,
best-checkpoint tracking, SIGTERM flag; the metrics log."""

import json
import os
import signal

import jax
import numpy as np
import pytest

from xstilts_jax.models.config import preset
from xstilts_jax.models.model import HeadSpec, Model
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.train import checkpoints
from xstilts_jax.train import json_files
from xstilts_jax.train import metrics_log
from xstilts_jax.train import preemption
from xstilts_jax.train import state as state_lib
from xstilts_jax.train.optimizer import make_optimizer


@pytest.fixture(scope='module')
def trained():
  """A state whose every part is non-trivial: trained params, Adam moments, step, rng."""
  model = Model(preset('tiny'), (HeadSpec('nli', 'classification', 3),))
  mesh = mesh_lib.make_mesh((1, 1, 1))
  tx = make_optimizer(1e-3, total_steps=10)
  init = lambda rng: model.init_params(rng, seq_len=8, boxed=True)  # noqa: E731
  state, sh = state_lib.create_train_state(init, tx, jax.random.PRNGKey(3), mesh)
  grads = jax.tree.map(lambda p: 0.1 * jax.numpy.ones_like(p), state.params)
  updates, opt_state = tx.update(grads, state.opt_state, state.params)
  state = state.replace(step=state.step + 5, opt_state=opt_state,
                        params=jax.tree.map(lambda p, u: p + u, state.params, updates))
  return state, state_lib.with_shardings(jax.eval_shape(lambda: state), sh)


def _assert_bitwise(a, b):
  assert jax.tree.structure(a) == jax.tree.structure(b)
  for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
    x, y = np.asarray(x), np.asarray(y)
    assert x.dtype == y.dtype and x.shape == y.shape
    assert x.tobytes() == y.tobytes()


def _save_steps(phase_dir, state, steps_):
  ckpts = checkpoints.PhaseCheckpoints(phase_dir, max_to_keep=3)
  for s in steps_:
    ckpts.save(s, state.replace(step=state.step * 0 + s), {'epoch': 0, 'position': s * 10},
               meta={'phase': 'test'})
  ckpts.wait()
  return ckpts


def test_round_trip_is_bitwise(tmp_path, trained):
  state, target = trained
  ckpts = _save_steps(tmp_path, state, [5])
  restored = checkpoints.PhaseCheckpoints(tmp_path).restore_latest(target)
  assert restored.step == 5 and restored.data == {'epoch': 0, 'position': 50}
  assert restored.meta == {'phase': 'test'}
  _assert_bitwise(restored.state, state)
  ckpts.close()


def test_empty_dir_restores_nothing(tmp_path, trained):
  assert checkpoints.PhaseCheckpoints(tmp_path).restore_latest(trained[1]) is None


def _state_files(phase_dir, step):
  root = os.path.join(phase_dir, 'checkpoints', str(step), 'state')
  files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
  # The array data (ocdbt data files), not the small metadata files.
  return sorted((f for f in files if os.sep + 'd' + os.sep in f), key=os.path.getsize)


@pytest.mark.parametrize('damage', ['truncate', 'delete'])
def test_broken_newest_falls_back(tmp_path, trained, capsys, damage):
  state, target = trained
  _save_steps(tmp_path, state, [1, 2]).close()
  data_files = _state_files(tmp_path, 2)
  assert data_files, os.listdir(os.path.join(tmp_path, 'checkpoints', '2', 'state'))
  for f in data_files:
    if damage == 'truncate':
      with open(f, 'r+b') as fh:
        fh.truncate(os.path.getsize(f) // 2)
    else:
      os.remove(f)
  ckpts = checkpoints.PhaseCheckpoints(tmp_path, max_to_keep=3)
  restored = ckpts.restore_latest(target)
  assert restored.step == 1 and restored.data['position'] == 10
  _assert_bitwise(restored.state.params, state.params)
  assert 'step 2' in capsys.readouterr().out
  # Moved aside, so the resumed run can save step 2 again.
  assert os.path.isdir(os.path.join(tmp_path, 'checkpoints.corrupt', '2'))
  assert ckpts.latest_step() == 1
  ckpts.save(2, restored.state, restored.data)
  ckpts.wait()
  assert ckpts.latest_step() == 2
  ckpts.close()


def test_leftover_temporary_dir_is_ignored(tmp_path, trained):
  state, target = trained
  _save_steps(tmp_path, state, [1]).close()
  # What a save killed mid-write leaves behind: orbax's temporary directory for step 2.
  tmp = os.path.join(tmp_path, 'checkpoints', '2.orbax-checkpoint-tmp-1234567')
  os.makedirs(os.path.join(tmp, 'state'))
  with open(os.path.join(tmp, 'state', 'half'), 'w') as f:
    f.write('partial')
  restored = checkpoints.PhaseCheckpoints(tmp_path).restore_latest(target)
  assert restored.step == 1


def test_max_to_keep(tmp_path, trained):
  _save_steps(tmp_path, trained[0], [1, 2, 3, 4]).close()
  assert sorted(os.listdir(os.path.join(tmp_path, 'checkpoints'))) == ['2', '3', '4']


def test_best_checkpoint_kept_only_on_improvement(tmp_path, trained):
  state, target = trained
  ckpts = checkpoints.PhaseCheckpoints(tmp_path, best_mode='max')
  assert ckpts.save_best(10, state.params, 'acc', 0.5)
  assert not ckpts.save_best(20, state.params, 'acc', 0.4)
  assert not ckpts.save_best(25, state.params, 'acc', 0.5)  # ties keep the earlier
  later = jax.tree.map(lambda p: p * 2, state.params)
  assert ckpts.save_best(30, later, 'acc', 0.7, meta={'dev': {'acc': 0.7}})
  ckpts.wait()
  ckpts.close()
  again = checkpoints.PhaseCheckpoints(tmp_path)  # the best survives a restart
  assert again.best == {'metric': 'acc', 'value': 0.7, 'step': 30, 'dev': {'acc': 0.7}}
  assert not again.save_best(40, state.params, 'acc', 0.6)
  _assert_bitwise(again.restore_best_params(target.params), later)
  assert os.listdir(os.path.join(tmp_path, 'best')) == ['30']


def test_sigterm_sets_stop_flag():
  guard = checkpoints.PreemptionGuard()
  try:
    assert not guard.should_stop(1)
    os.kill(os.getpid(), signal.SIGTERM)
    assert guard.should_stop(2)
  finally:
    guard.uninstall()
  assert signal.getsignal(signal.SIGTERM) is not preemption._on_sigterm


def test_metrics_log_jsonl_tensorboard_and_resume(tmp_path):
  log = metrics_log.MetricsLog(str(tmp_path))
  for step in (1, 2, 3):
    log.write(step, {'loss': np.float32(1.0 / step), 'finite': True}, prefix='train')
  log.close()
  rows = metrics_log.read_metrics(os.path.join(tmp_path, 'metrics.jsonl'))
  assert [r['step'] for r in rows] == [1, 2, 3]
  assert rows[1]['train/loss'] == pytest.approx(0.5)
  assert any(f.startswith('events.out.tfevents') for f in os.listdir(tmp_path / 'tensorboard'))
  # Resumed from the checkpoint at step 2: step 3 is dropped and written again.
  log = metrics_log.MetricsLog(str(tmp_path), resume_step=2)
  log.write(3, {'loss': 0.25}, prefix='train')
  log.close()
  with open(tmp_path / 'metrics.jsonl') as f:
    rows = [json.loads(line) for line in f]
  assert [r['step'] for r in rows] == [1, 2, 3] and rows[2]['train/loss'] == 0.25


def test_metrics_torn_last_line_is_dropped_and_a_bad_middle_line_named(tmp_path, capsys):
  path = tmp_path / 'metrics.jsonl'
  path.write_text('{"step": 1, "x": 1}\n{"step": 2, "x": 2}\n{"step": 3, "x')
  assert [r['step'] for r in metrics_log.read_metrics(str(path))] == [1, 2]
  assert 'line 3: torn last line dropped' in capsys.readouterr().out
  path.write_text('{"step": 1}\n{"ste\n{"step": 3}\n')
  with pytest.raises(ValueError, match='metrics.jsonl line 2: not a JSON row'):
    metrics_log.read_metrics(str(path))


def test_damaged_json_is_set_aside_and_read_as_missing(tmp_path, capsys):
  path = str(tmp_path / 'results.json')
  json_files.write_json(path, {'a': 1})
  assert json_files.read_json(path) == {'a': 1} and os.listdir(tmp_path) == ['results.json']
  with open(path, 'w') as f:
    f.write('{"a": ')
  assert json_files.read_json(path) is None
  assert 'results.json is damaged (JSONDecodeError' in capsys.readouterr().out
  assert sorted(os.listdir(tmp_path)) == ['results.json.corrupt']
  assert json_files.read_json(path) is None  # missing now: rebuilt by the caller

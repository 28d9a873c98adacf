"""Batching and order: pure functions of (seed, epoch, position); resumable; nothing dropped."""

import numpy as np
import pytest

from xstilts_jax.data import mixing, pipeline
from xstilts_jax.data.features import Features


def _features(n, width=3):
  ids = np.arange(n * width, dtype=np.int32).reshape(n, width)
  return Features(dict(input_ids=ids, attention_mask=np.ones_like(ids),
                       example_index=np.arange(n, dtype=np.int32)), dict(features=n))


def test_epoch_order_is_a_pure_function():
  a = pipeline.epoch_order(100, seed=1, epoch=2)
  assert sorted(a.tolist()) == list(range(100))
  assert (a == pipeline.epoch_order(100, seed=1, epoch=2)).all()
  assert (a != pipeline.epoch_order(100, seed=1, epoch=3)).any()
  assert (a != pipeline.epoch_order(100, seed=2, epoch=2)).any()


def test_train_iterator_resumes_mid_epoch_identically():
  f = _features(10)
  it = pipeline.TrainIterator(f, 4, seed=7)
  straight = [next(it)['index'] for _ in range(8)]  # 32 rows: crosses three epoch ends
  first = pipeline.TrainIterator(f, 4, seed=7)
  for _ in range(3):
    next(first)
  state = first.state
  assert state == pipeline.state_at_step(3, 10, 4) == dict(epoch=1, position=2)
  resumed = pipeline.TrainIterator(f, 4, seed=7, **state)
  assert all((next(resumed)['index'] == b).all() for b in straight[3:])
  # Each epoch's rows are all seen once, in that epoch's order (nothing dropped).
  stream = np.concatenate(straight)
  assert (stream[:10] == pipeline.epoch_order(10, 7, 0)).all()
  assert (stream[10:20] == pipeline.epoch_order(10, 7, 1)).all()


def test_train_batches_hold_the_rows_they_name():
  f = _features(10)
  batch = next(pipeline.TrainIterator(f, 4, seed=0))
  assert (batch['input_ids'] == f.arrays['input_ids'][batch['index']]).all()
  assert batch['input_ids'].shape == (4, 3)


def test_host_shards_make_the_global_batch():
  f = _features(13)
  full = [next(pipeline.TrainIterator(f, 8, seed=1)) for _ in range(1)][0]['index']
  parts = [next(pipeline.TrainIterator(f, 8, seed=1, process_index=p, process_count=4))['index']
           for p in range(4)]
  assert (np.concatenate(parts) == full).all() and all(len(p) == 2 for p in parts)
  with pytest.raises(ValueError):
    pipeline.host_slice(8, 0, 3)


def test_eval_batches_pad_the_last_batch_with_a_mask():
  f = _features(10)
  batches = list(pipeline.eval_batches(f, 4))
  assert len(batches) == pipeline.num_eval_batches(10, 4) == 3
  assert all(b['input_ids'].shape == (4, 3) for b in batches)
  assert batches[-1]['valid'].tolist() == [True, True, False, False]
  seen = np.concatenate([b['index'][b['valid']] for b in batches])
  assert seen.tolist() == list(range(10))
  sharded = [list(pipeline.eval_batches(f, 4, process_index=p, process_count=2)) for p in range(2)]
  for k, b in enumerate(batches):
    assert (np.concatenate([s[k]['index'] for s in sharded]) == b['index']).all()
    assert (np.concatenate([s[k]['valid'] for s in sharded]) == b['valid']).all()


def test_task_probabilities_cap_and_temperature():
  assert np.allclose(mixing.task_probabilities([100, 300]), [0.25, 0.75])
  assert np.allclose(mixing.task_probabilities([100, 300], cap=100), [0.5, 0.5])
  p = mixing.task_probabilities([100, 400], temperature=2.0)
  assert np.allclose(p, [1 / 3, 2 / 3])


def test_mixture_gives_equal_epochs_whatever_the_batch_size():
  """Batch 8 and batch 4 on 800 features each, 30 epochs in the phase's arithmetic (the sum
  over tasks of epochs x batches per epoch): each task's draws x its batch size / its size is
  its number of epochs; both are 30 within 4 binomial standard deviations (± 1.8 and ± 0.9
epochs;
  sampling by size would give the batch-8 task 45 epochs and the batch-4 task 22.5)."""
  sizes, batch_sizes, epochs = [800, 800], [8, 4], 30
  probs = mixing.task_probabilities(sizes, batch_sizes=batch_sizes)
  assert np.allclose(probs, [1 / 3, 2 / 3])
  feats = {'qa': _features(800), 'nli': _features(800)}
  it = mixing.MixtureIterator(feats, {'qa': 8, 'nli': 4}, seed=3)
  assert np.allclose(it.probs, probs)
  num_steps = sum(int(np.ceil(epochs * n / b)) for n, b in zip(sizes, batch_sizes))
  counts = np.bincount(mixing.sample_tasks(3, 0, num_steps, it.probs), minlength=2)
  got_epochs = counts * np.array(batch_sizes) / np.array(sizes)
  sd = np.sqrt(num_steps * probs * (1 - probs)) * np.array(batch_sizes) / np.array(sizes)
  assert (np.abs(got_epochs - epochs) < 4 * sd).all(), got_epochs
  assert np.allclose(4 * sd, [1.79, 0.89], atol=0.01)
  # Cap (in examples) and temperature apply as jiant's where batch sizes agree.
  assert np.allclose(mixing.task_probabilities([100, 300], batch_sizes=[4, 4], cap=100),
                     [0.5, 0.5])
  with pytest.raises(ValueError, match='batch size'):
    mixing.task_probabilities([100, 300], batch_sizes=[4])


def test_mixture_is_deterministic_proportional_and_resumable():
  feats = {'big': _features(30), 'small': _features(10)}
  it = mixing.MixtureIterator(feats, 2, seed=5)
  run = [next(it) for _ in range(1200)]
  names = [n for n, _ in run]
  assert abs(names.count('big') / len(names) - 0.75) < 0.04
  assert (mixing.sample_tasks(5, 1000, 300, it.probs)
          == mixing.sample_tasks(5, 0, 1300, it.probs)[1000:]).all()
  resumed = mixing.MixtureIterator(feats, 2, seed=5, step=1100)
  for name, batch in run[1100:]:
    n2, b2 = next(resumed)
    assert n2 == name and (b2['index'] == batch['index']).all()

"""Prefetched batches are exactly the batches of the iterator, in order, also from a resumed step."""

import jax
import numpy as np
import pytest

from xstilts_jax.data import mixing
from xstilts_jax.data.features import Features
from xstilts_jax.parallel import global_batch
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.parallel import rules as rules_lib
from xstilts_jax.train.prefetch import Prefetcher

STEPS, RESUME_AT = 40, 17


def _features(n, width=5):
  ids = np.arange(n * width, dtype=np.int32).reshape(n, width)
  return Features(dict(input_ids=ids, attention_mask=np.ones_like(ids)), dict(features=n))


def _mixture(step):
  feats = {'big': _features(30), 'small': _features(11)}
  return mixing.MixtureIterator(feats, {'big': 4, 'small': 2}, seed=5, step=step)


def _place(sharding, sizes):
  # As the loop's: global arrays split by the batch rule, put on the devices in the thread.
  def place(item):
    name, batch = item
    return name, global_batch.make_global_batch(batch, sharding, sizes[name])
  return place


def _host(item):
  name, batch = item
  return name, {k: np.asarray(v) for k, v in batch.items()}


def _same(a, b):
  assert [n for n, _ in a] == [n for n, _ in b]
  for (_, x), (_, y) in zip(a, b):
    assert sorted(x) == sorted(y)
    for k in x:
      np.testing.assert_array_equal(x[k], y[k])


def test_prefetch_yields_the_same_batches_in_order_also_after_resume():
  sharding = rules_lib.batch_sharding(mesh_lib.make_mesh(), None)
  place = _place(sharding, {'big': 4, 'small': 2})
  direct = [_host(item) for item, _ in zip(_mixture(0), range(STEPS))]
  for size in (1, 2):
    with Prefetcher(_mixture(0), place, size) as batches:
      got = [next(batches) for _ in range(STEPS)]
    assert all(isinstance(b['input_ids'], jax.Array) for _, b in got)
    _same([_host(g) for g in got], direct)
    # A run resumed at step RESUME_AT (its iterator starts there) continues the same stream.
    with Prefetcher(_mixture(RESUME_AT), place, size) as batches:
      resumed = [_host(next(batches)) for _ in range(STEPS - RESUME_AT)]
    _same(resumed, direct[RESUME_AT:])


def test_an_error_building_a_batch_is_raised_at_its_turn_and_close_stops_the_thread():
  def items():
    yield from range(3)
    raise ValueError('record 3: bad row')

  batches = Prefetcher(items(), lambda x: x * 10, size=2)
  assert [next(batches) for _ in range(3)] == [0, 10, 20]
  with pytest.raises(ValueError, match='record 3: bad row'):
    next(batches)
  assert not batches._thread.is_alive()  # pylint: disable=protected-access

  endless = Prefetcher(iter(int, 1), lambda x: x, size=2)  # never ends: the thread blocks full
  assert next(endless) == 0
  endless.close()
  assert not endless._thread.is_alive()  # pylint: disable=protected-access

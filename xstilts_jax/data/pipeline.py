"""Fixed-shape host-local batches from `Features`; data order a pure function of (seed, epoch).

Training reads an endless stream: epoch 0's permutation, then epoch 1's, ... Batch k covers
stream rows [k * B, (k + 1) * B) (B = global batch), so a batch may straddle two epochs and
nothing is ever dropped. The iterator's state is (epoch, position in that epoch's order):
`state_at_step(step, ...)` gives it from the step alone, so a checkpoint needs no data state.

Evaluation reads the rows in order; the last batch is padded to the fixed size with copies
of row 0 and `valid` False (same shapes, no recompilation, nothing dropped).

Every batch carries `index` (the row in the Features, to map outputs back) besides the
Features' arrays. Host sharding: each of `process_count` processes gets its contiguous
`B / process_count` slice of every global batch (assembly into a global array: parallel/).
"""

import numpy as np


def epoch_order(num_features: int, seed: int, epoch: int) -> np.ndarray:
  """The permutation of rows used in `epoch`; depends on (seed, epoch) only."""
  rng = np.random.Generator(np.random.Philox(key=(int(seed) << 64) | int(epoch)))
  return rng.permutation(num_features)


def host_slice(global_batch_size: int, process_index: int, process_count: int) -> slice:
  if global_batch_size % process_count:
    raise ValueError(f'global batch {global_batch_size} is not divisible by {process_count} '
                     'processes')
  if not 0 <= process_index < process_count:
    raise ValueError(f'process_index {process_index} not in [0, {process_count})')
  local = global_batch_size // process_count
  return slice(process_index * local, (process_index + 1) * local)


def state_at_step(step: int, num_features: int, global_batch_size: int) -> dict:
  """(epoch, position) of the training stream before batch `step`."""
  offset = step * global_batch_size
  return dict(epoch=offset // num_features, position=offset % num_features)


def take(arrays: dict, rows: np.ndarray) -> dict:
  batch = {k: v[rows] for k, v in arrays.items()}
  batch['index'] = rows.astype(np.int32)
  return batch


class TrainIterator:
  """Endless shuffled batches; `state` is {'epoch', 'position'}, resumable exactly.

  `transform(batch, epoch)` (e.g. MLM masking) gets the per-row epoch array [B_local].
  """

  def __init__(self, features, global_batch_size, seed, *, epoch=0, position=0,
               process_index=0, process_count=1, transform=None):
    self.arrays = features.arrays
    self.num_features = len(features)
    if self.num_features == 0:
      raise ValueError('cannot iterate over zero features')
    self.global_batch_size = global_batch_size
    self.seed = seed
    self.epoch, self.position = int(epoch), int(position)
    self.slice = host_slice(global_batch_size, process_index, process_count)
    self.transform = transform
    self._orders = {}

  @property
  def state(self) -> dict:
    return dict(epoch=self.epoch, position=self.position)

  def _order(self, epoch):
    if epoch not in self._orders:
      self._orders = {e: o for e, o in self._orders.items() if e >= self.epoch}
      self._orders[epoch] = epoch_order(self.num_features, self.seed, epoch)
    return self._orders[epoch]

  def __iter__(self):
    return self

  def __next__(self) -> dict:
    rows, epochs = [], []
    need = self.global_batch_size
    while need:
      chunk = self._order(self.epoch)[self.position:self.position + need]
      rows.append(chunk)
      epochs.append(np.full(len(chunk), self.epoch, np.int32))
      need -= len(chunk)
      self.position += len(chunk)
      if self.position == self.num_features:
        self.epoch, self.position = self.epoch + 1, 0
    rows = np.concatenate(rows)[self.slice]
    batch = take(self.arrays, rows)
    if self.transform is not None:
      batch = self.transform(batch, np.concatenate(epochs)[self.slice])
    return batch


def num_eval_batches(num_features: int, global_batch_size: int) -> int:
  return -(-num_features // global_batch_size)


def eval_batches(features, global_batch_size, *, process_index=0, process_count=1):
  """Every row once, in order; the last batch padded, with `valid` False on the padding."""
  n = len(features)
  local = host_slice(global_batch_size, process_index, process_count)
  for start in range(0, n, global_batch_size):
    rows = np.arange(start, start + global_batch_size)
    valid = rows < n
    batch = take(features.arrays, np.where(valid, rows, 0)[local])
    batch['valid'] = valid[local]
    yield batch

"""Multi-task sampling: each optimizer step trains one task, drawn from (seed, step) only.

p(task) is proportional to (min(size, cap) / batch_size) ** (1 / temperature): with no cap and
temperature 1, to the task's batches per epoch, so every task gets the same number of epochs
whatever its batch size (QA trains with 16, the others with 32; sampling by size alone would
give QA half the epochs). With one batch size for all tasks this is jiant's rule, p ∝
min(size, cap) ** (1 / temperature); `cap` counts examples (features), as jiant's. The
phase's length (`train.loop.total_steps`: the sum over tasks of epochs × batches per epoch)
then holds each task's epochs in expectation.

The draw for step s comes from a Philox key made of the seed and s's block of 1024 steps, so
the task at any step, and how often each task was drawn before it, are recomputed from the
step alone: `MixtureIterator`'s state is the step.
"""

import numpy as np

from xstilts_jax.data import pipeline

_BLOCK = 1024


def task_probabilities(sizes, *, batch_sizes=None, temperature=1.0, cap=None) -> np.ndarray:
  """p(task) ∝ (min(size, cap) / batch size) ** (1 / temperature); batch_sizes None: all 1."""
  sizes = np.asarray(sizes, np.float64)
  if np.any(sizes <= 0):
    raise ValueError(f'every task needs a positive size, got {sizes.tolist()}')
  batch_sizes = np.ones_like(sizes) if batch_sizes is None else np.asarray(batch_sizes, np.float64)
  if batch_sizes.shape != sizes.shape or np.any(batch_sizes <= 0):
    raise ValueError(f'need one positive batch size per task, got {batch_sizes.tolist()} '
                     f'for {len(sizes)} tasks')
  if cap is not None:
    sizes = np.minimum(sizes, cap)
  weights = (sizes / batch_sizes) ** (1.0 / temperature)
  return weights / weights.sum()


def _block_choices(seed, block, cumulative):
  rng = np.random.Generator(np.random.Philox(key=(int(seed) << 64) | int(block)))
  u = rng.random(_BLOCK)
  return np.minimum(np.searchsorted(cumulative, u, side='right'), len(cumulative) - 1)


def sample_tasks(seed, start_step, num_steps, probs) -> np.ndarray:
  """Task index of each step in [start_step, start_step + num_steps)."""
  cumulative = np.cumsum(probs)
  out = []
  first, last = start_step // _BLOCK, (start_step + num_steps - 1) // _BLOCK
  for block in range(first, last + 1) if num_steps else ():
    out.append(_block_choices(seed, block, cumulative))
  if not out:
    return np.zeros(0, np.int64)
  offset = start_step - first * _BLOCK
  return np.concatenate(out)[offset:offset + num_steps]


def task_seed(seed, task_index) -> int:
  """The seed of one task's own stream (shuffling, and masking for MLM) in a mixture."""
  return int(np.random.SeedSequence([seed, task_index]).generate_state(1)[0])


class MixtureIterator:
  """Yields (task name, batch): one task per step, each task with its own shuffled stream.

  `features`: {name: Features}; `batch_size`: one global batch size, or {name: size} (QA
  trains with 16, the others with 32); `sizes` default to the number of features of each
  task; tasks are drawn by batches per epoch (`task_probabilities`). `transforms`: optional
  {name: transform} passed to that task's `TrainIterator`.
  """

  def __init__(self, features, batch_size, seed, *, sizes=None, temperature=1.0,
               cap=None, step=0, process_index=0, process_count=1, transforms=None):
    self.names = list(features)
    sizes = [len(features[n]) for n in self.names] if sizes is None else sizes
    batch_sizes = [batch_size[n] if isinstance(batch_size, dict) else batch_size
                   for n in self.names]
    self.probs = task_probabilities(sizes, batch_sizes=batch_sizes, temperature=temperature,
                                    cap=cap)
    self.seed, self.step = seed, int(step)
    # How often each task ran before `step` says where its own stream stands.
    counts = np.bincount(sample_tasks(seed, 0, self.step, self.probs), minlength=len(self.names))
    transforms = transforms or {}
    self.iterators = []
    for t, (name, size) in enumerate(zip(self.names, batch_sizes)):
      state = pipeline.state_at_step(int(counts[t]), len(features[name]), size)
      self.iterators.append(pipeline.TrainIterator(
          features[name], size, task_seed(seed, t), process_index=process_index,
          process_count=process_count, transform=transforms.get(name), **state))

  @property
  def state(self) -> dict:
    return dict(step=self.step)

  def __iter__(self):
    return self

  def __next__(self):
    t = int(sample_tasks(self.seed, self.step, 1, self.probs)[0])
    self.step += 1
    return self.names[t], next(self.iterators[t])

"""The training loop's step time, blocking vs not, side by side in one process (not a test).

  python bench/loop_stall.py [--steps 20 --rounds 3 --hidden 256 --layers 2 --batch 16]

Both loops run the real pieces of `train/loop.py` on the same data: continued MLM (its host
work, row-by-row masking, is the heaviest of the batch pipelines) through `MixtureIterator`,
`make_global_batch` and the jitted train step of `steps.jit_train_step`.
  blocking: what the loop did before: the batch is built and copied in the critical path and
            every step's non-finite flag is read on the host right after dispatch (a sync);
  overlapped: what it does now: batches built and put on the devices by `Prefetcher` (2 ahead),
            a step's flag (and log row) read once the next step is dispatched.
Rounds alternate blocking / overlapped (each `--steps` steps, own state); medians of the
per-round seconds per step. Prints one JSON line; `bench/run.py` runs it as `loop_stall`.
"""

import argparse
import json
import os
import statistics
import sys
import time

import jax
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from xstilts_jax.data import mixing  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.data import mlm as mlm_data  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.data.features import Features  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.models import HeadSpec, Model  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.models.config import XLMRConfig  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.parallel import global_batch  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.parallel import mesh as mesh_lib  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.parallel import rules as rules_lib  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.train import optimizer as optimizer_lib  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.train import state as state_lib  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.train import steps as steps_lib  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.train.prefetch import Prefetcher  # noqa: E402  pylint: disable=g-import-not-at-top

VOCAB, SEQ, ROWS = 4000, 128, 4096


def setup(hidden, layers, batch):
  config = XLMRConfig(vocab_size=VOCAB, hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=max(1, hidden // 64), intermediate_size=4 * hidden)
  model = Model(config, (HeadSpec('mlm', 'mlm', 0),))
  tx = optimizer_lib.make_optimizer(1e-5, total_steps=10_000, warmup_fraction=0.1)
  mesh = mesh_lib.make_mesh()
  init = lambda rng: model.init_params(rng, boxed=True)
  _, shardings = state_lib.state_shardings(init, tx, mesh)
  step = steps_lib.jit_train_step(steps_lib.make_train_step(model, tx, 'mlm', 'mlm'),
                                  shardings, mesh)
  rng = np.random.default_rng(0)
  ids = rng.integers(5, VOCAB, (ROWS, SEQ)).astype(np.int32)
  ids[:, 0], ids[:, -1] = 0, 2
  features = Features(dict(input_ids=ids, attention_mask=np.ones_like(ids)), dict(features=ROWS))
  # What masking needs of a tokenizer: its special ids, its mask id, its size.
  tokenizer = type('Tok', (), dict(all_special_ids=[0, 1, 2, 3], mask_token_id=4,
                                   __len__=lambda self: VOCAB))()

  def batches(start):
    return mixing.MixtureIterator({'mlm': features}, batch, seed=0, step=start,
                                  transforms={'mlm': mlm_data.masker(tokenizer, 1)})

  def place(item):
    _, b = item
    b = {k: v for k, v in b.items() if k != 'index'}
    return global_batch.make_global_batch(b, rules_lib.batch_sharding(mesh, None), batch)

  def fresh_state():
    return state_lib.create_train_state(init, tx, jax.random.PRNGKey(0), mesh)[0]
  return step, batches, place, fresh_state


def blocking(step, batches, place, state, start, steps):
  it = batches(start)
  for s in range(start, start + steps):
    batch = place(next(it))
    state, metrics = step(state, batch)
    steps_lib.check_finite(metrics, s)  # a host sync every step
  return state


def overlapped(step, batches, place, state, start, steps):
  pending = None
  with Prefetcher(batches(start), place, 2) as it:
    for s in range(start, start + steps):
      state, metrics = step(state, next(it))
      if pending is not None:
        steps_lib.check_finite(*pending)  # the previous step, while this one runs
      pending = (metrics, s)
  steps_lib.check_finite(*pending)
  return state


def measure(hidden=128, layers=2, batch=16, steps=20, rounds=3):
  step, batches, place, fresh_state = setup(hidden, layers, batch)
  loops = {'blocking': blocking, 'overlapped': overlapped}
  states = {name: fresh_state() for name in loops}
  for name, loop in loops.items():  # warm-up: compile, allocator
    states[name] = loop(step, batches, place, states[name], 0, 2)
  times = {name: [] for name in loops}
  start = 2
  for _ in range(rounds):
    for name, loop in loops.items():
      t = time.perf_counter()
      states[name] = loop(step, batches, place, states[name], start, steps)
      jax.block_until_ready(states[name].params)
      times[name].append((time.perf_counter() - t) / steps)
    start += steps
  # The same work: both states went through the same batches.
  same = all(np.array_equal(a, b) for a, b in zip(jax.tree.leaves(states['blocking'].params),
                                                  jax.tree.leaves(states['overlapped'].params)))
  # Host work alone: building and placing one batch.
  it = batches(0)
  t = time.perf_counter()
  for _ in range(steps):
    jax.block_until_ready(place(next(it)))
  host = (time.perf_counter() - t) / steps
  old, new = statistics.median(times['blocking']), statistics.median(times['overlapped'])
  return {'what': f'MLM train loop, batch {batch} x seq {SEQ}, vocab {VOCAB}, hidden {hidden} '
                  f'x {layers} layers, {steps} steps x {rounds} rounds',
          'blocking_s_per_step': old, 'overlapped_s_per_step': new, 'speedup': old / new,
          'host_batch_s': host, 'same_parameters': same, 'blocking_all': times['blocking'],
          'overlapped_all': times['overlapped']}


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--hidden', type=int, default=128)
  parser.add_argument('--layers', type=int, default=2)
  parser.add_argument('--batch', type=int, default=16)
  parser.add_argument('--steps', type=int, default=20)
  parser.add_argument('--rounds', type=int, default=3)
  args = parser.parse_args()
  print(json.dumps(measure(args.hidden, args.layers, args.batch, args.steps, args.rounds)))


if __name__ == '__main__':
  main()

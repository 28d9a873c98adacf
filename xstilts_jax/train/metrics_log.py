"""Metrics of a phase: one JSON line per write in metrics.jsonl, and TensorBoard event files
(tensorboardX, no TensorFlow). Only process 0 writes.

On resume from step S, lines after S (written by the interrupted run after its last checkpoint)
are dropped and TensorBoard purges them too, so the log reads like an uninterrupted run's.
Files go through `storage` (a gs:// phase folder: each write rewrites the object whole, so
no line is ever torn there); tensorboardX writes gs:// event files itself.
"""

import json
import os
from typing import Mapping, Optional

import jax
import numpy as np

from xstilts_jax import storage


def _plain(v):
  v = np.asarray(v)
  return v.item() if v.ndim == 0 else v.tolist()


def read_metrics(path: str) -> list:
  """The rows of metrics.jsonl. A torn last line (the run was killed while appending it) is
  dropped with a message; a bad line elsewhere is an error naming it."""
  try:
    lines = storage.read_text(path).split('\n')
  except FileNotFoundError:
    return []
  rows = []
  for number, line in enumerate(lines, 1):
    if not line.strip():
      continue
    try:
      rows.append(json.loads(line))
    except ValueError as e:
      if any(rest.strip() for rest in lines[number:]):
        raise ValueError(f'{path} line {number}: not a JSON row ({e}): {line[:80]!r}') from None
      print(f'[metrics] {path} line {number}: torn last line dropped ({len(line)} characters, '
            'written when the run was stopped)', flush=True)
  return rows


class MetricsLog:

  def __init__(self, log_dir: str, *, resume_step: Optional[int] = None,
               tensorboard: bool = True):
    self.path = os.path.join(log_dir, 'metrics.jsonl')
    self.enabled = jax.process_index() == 0
    self._tb = None
    if not self.enabled:
      return
    storage.makedirs(log_dir)
    if resume_step is not None:
      kept = [r for r in read_metrics(self.path) if r['step'] <= resume_step]
      # atomically: a kill here loses nothing
      storage.write_text(self.path, ''.join(json.dumps(r) + '\n' for r in kept))
    if tensorboard:
      from tensorboardX import SummaryWriter  # pylint: disable=g-import-not-at-top
      purge = None if resume_step is None else resume_step + 1
      self._tb = SummaryWriter(os.path.join(log_dir, 'tensorboard'), purge_step=purge)

  def write(self, step: int, metrics: Mapping[str, object], prefix: str = '') -> None:
    """Scalars (jax or numpy) under `prefix/name`; non-scalars go to the JSON line only."""
    if not self.enabled:
      return
    row = {'step': int(step)}
    for name, value in metrics.items():
      key = f'{prefix}/{name}' if prefix else name
      row[key] = _plain(value)
      if self._tb is not None and isinstance(row[key], (int, float, bool)):
        self._tb.add_scalar(key, float(row[key]), int(step))
    storage.append_text(self.path, json.dumps(row) + '\n')

  def flush(self):
    if self._tb is not None:
      self._tb.flush()

  def close(self):
    if self._tb is not None:
      self._tb.close()
      self._tb = None

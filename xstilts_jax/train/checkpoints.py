"""Checkpoints of one training phase, with orbax; preemption handling.

Layout of a phase directory:

  <phase_dir>/checkpoints/<step>/state/   TrainState: step, params, opt_state, rng (all arrays)
                                 data/    JSON: the data iterator's position, e.g. {epoch, position}
                                 meta/    JSON: small free-form metadata (task, config name, ...)
  <phase_dir>/best/<step>/params/         the parameters with the best model-selection metric
                          meta/           JSON: {metric, value, step, ...}
  <phase_dir>/checkpoints.corrupt/<step>  checkpoints that failed to restore, moved aside

`checkpoints/` keeps the newest `max_to_keep` for resuming. `best/` is a second manager with
max_to_keep=1 that is written only when the metric improves (we compare ourselves instead of
orbax's best_fn, which would write every candidate and delete the losers: costly for XLM-R Large).
Restoring gives bitwise-identical arrays; with the data position and fold_in(rng, step) dropout,
a resumed phase retraces an uninterrupted one exactly.
"""

import dataclasses
import os
from typing import Any, Optional

import jax
import orbax.checkpoint as ocp
from jax.experimental import multihost_utils

from xstilts_jax import storage
from xstilts_jax.train import preemption


@dataclasses.dataclass
class Restored:
  step: int
  state: Any
  data: dict        # data iterator position
  meta: dict


class CorruptBest(Exception):
  """The best checkpoint does not restore; it was moved to best.corrupt/."""


def _short(e: Exception) -> str:
  """One line of an exception: orbax and tensorstore messages run over many lines."""
  text = ' '.join(str(e).split())
  return f'{type(e).__name__}: {text[:200]}{"..." if len(text) > 200 else ""}'


def set_aside(src: str, dst: str):
  """Moves `src` to `dst` (replacing an older `dst`): kept for inspection, out of the way."""
  storage.move(src, dst)


def _manager(directory: str, max_to_keep: Optional[int], items, async_save: bool):
  options = ocp.CheckpointManagerOptions(
      max_to_keep=max_to_keep, create=True, cleanup_tmp_directories=True,
      enable_async_checkpointing=async_save)
  return ocp.CheckpointManager(storage.absolute(directory), options=options, item_names=items)


class PhaseCheckpoints:
  """Resume checkpoints and the best checkpoint of one phase directory."""

  def __init__(self, phase_dir: str, *, max_to_keep: int = 2, best_mode: str = 'max',
               async_save: bool = True):
    if best_mode not in ('max', 'min'):
      raise ValueError(f"best_mode must be 'max' or 'min', not {best_mode!r}")
    self.phase_dir = storage.absolute(phase_dir)
    self.best_mode = best_mode
    self._async_save = async_save
    self.manager = _manager(os.path.join(phase_dir, 'checkpoints'), max_to_keep,
                            ('state', 'data', 'meta'), async_save)
    self.best_manager = _manager(os.path.join(phase_dir, 'best'), 1, ('params', 'meta'),
                                 async_save)
    self._best_problem = None
    self._best = self._read_best_meta()

  # Resume checkpoints.

  def latest_step(self) -> Optional[int]:
    return self.manager.latest_step()

  def save(self, step: int, state, data: dict, meta: Optional[dict] = None) -> bool:
    """Saves (asynchronously by default; `wait()` to block). Collective on every process."""
    return self.manager.save(int(step), args=ocp.args.Composite(
        state=ocp.args.StandardSave(state), data=ocp.args.JsonSave(dict(data)),
        meta=ocp.args.JsonSave(dict(meta or {}))), force=True)

  def restore_latest(self, abstract_state, validate=None) -> Optional[Restored]:
    """The newest checkpoint that restores, or None when there is none.

    `abstract_state`: ShapeDtypeStructs with shardings (`train.state.with_shardings`). A newest
    checkpoint that fails to restore (half-written, truncated, deleted files), or that
    `validate(restored)` rejects (returns a reason), is reported in one line, moved to
    checkpoints.corrupt/, and the previous one is tried.
    """
    self.manager.wait_until_finished()
    for step in sorted(self.manager.all_steps(), reverse=True):
      try:
        out = self.manager.restore(step, args=ocp.args.Composite(
            state=ocp.args.StandardRestore(abstract_state), data=ocp.args.JsonRestore(),
            meta=ocp.args.JsonRestore()))
        restored = Restored(step=step, state=out['state'], data=dict(out['data']),
                            meta=dict(out['meta'] or {}))
        problem = validate(restored) if validate else None
        if problem:
          raise ValueError(problem)
        return restored
      except Exception as e:  # noqa: BLE001 - any failure means this checkpoint is unusable
        print(f'[checkpoints] checkpoint at step {step} in {self.manager.directory} is '
              f'unusable ({_short(e)}); moved to checkpoints.corrupt/, trying the previous one',
              flush=True)
        self._move_aside(step)
    return None

  def _move_aside(self, step: int):
    # Moved, not deleted (the failure might be transient storage trouble), and out of the
    # manager's directory so that a later save of the same step does not collide.
    if jax.process_index() == 0:
      set_aside(os.path.join(str(self.manager.directory), str(step)),
                os.path.join(self.phase_dir, 'checkpoints.corrupt', str(step)))
    if jax.process_count() > 1:
      multihost_utils.sync_global_devices(f'move_aside_{step}')
    self.manager.reload()

  # Model selection.

  def _read_best_meta(self) -> Optional[dict]:
    step = self.best_manager.latest_step()
    if step is None:
      return None
    try:
      out = self.best_manager.restore(step, args=ocp.args.Composite(meta=ocp.args.JsonRestore()))
      return dict(out['meta'])
    except Exception as e:  # noqa: BLE001
      self._best_problem = f'best checkpoint at step {step} unreadable ({_short(e)})'
      return None

  @property
  def best(self) -> Optional[dict]:
    """{'metric', 'value', 'step', ...} of the best checkpoint so far, or None."""
    return self._best

  def is_better(self, value: float) -> bool:
    if self._best is None:
      return True
    best = self._best['value']
    return value > best if self.best_mode == 'max' else value < best

  def save_best(self, step: int, params, metric: str, value: float,
                meta: Optional[dict] = None) -> bool:
    """Saves `params` as the best when `value` strictly improves on the best so far."""
    value = float(value)
    if not self.is_better(value):
      return False
    info = dict(meta or {}, metric=metric, value=value, step=int(step))
    self.best_manager.save(int(step), args=ocp.args.Composite(
        params=ocp.args.StandardSave(params), meta=ocp.args.JsonSave(info)), force=True)
    self._best = info
    return True

  def restore_best_params(self, abstract_params):
    """The best parameters (ShapeDtypeStructs with shardings as target), or None if none.

    Raises `CorruptBest` (one line: the step and the cause) when they do not restore."""
    self.best_manager.wait_until_finished()
    step = self.best_manager.latest_step()
    if step is None:
      return None
    try:
      out = self.best_manager.restore(step, args=ocp.args.Composite(
          params=ocp.args.StandardRestore(abstract_params)))
    except Exception as e:  # noqa: BLE001 - any failure means the best checkpoint is unusable
      self._best_problem = f'best checkpoint at step {step} unreadable ({_short(e)})'
      raise CorruptBest(self._best_problem) from None
    return out['params']

  def best_problem(self, abstract_params) -> Optional[str]:
    """None when best/ is absent or restores whole; else why it is unusable."""
    if self._best_problem is None and self.best_manager.latest_step() is not None:
      try:
        self.restore_best_params(abstract_params)
      except CorruptBest as e:
        return str(e)
    return self._best_problem

  def set_aside_best(self):
    """Moves best/ to best.corrupt/ (when there is one) and forgets it."""
    self.best_manager.wait_until_finished()
    self.best_manager.close()
    best_dir = os.path.join(self.phase_dir, 'best')
    if jax.process_index() == 0 and storage.listdir(best_dir):
      set_aside(best_dir, os.path.join(self.phase_dir, 'best.corrupt'))
      print(f'[checkpoints] {best_dir} moved to {best_dir}.corrupt', flush=True)
    if jax.process_count() > 1:
      multihost_utils.sync_global_devices('set_aside_best')
    self.best_manager = _manager(best_dir, 1, ('params', 'meta'), self._async_save)
    self._best, self._best_problem = None, None

  def wait(self):
    self.manager.wait_until_finished()
    self.best_manager.wait_until_finished()

  def close(self):
    self.manager.close()
    self.best_manager.close()


class PreemptionGuard:
  """Tells the loop when to save and exit: on SIGTERM (single process, see train/preemption.py)
  or at JAX's preemption sync point (multi-process; all processes must call `should_stop` at
  the same steps).

  The SIGTERM flag is installed here when main.py has not done it already (a phase run from a
  test or a notebook); with jax.distributed, JAX's own preemption service handles the signal
  and agrees on a step across processes.
  """

  def __init__(self, manager: Optional[ocp.CheckpointManager] = None):
    self.manager = manager
    self._installed = jax.process_count() == 1 and preemption.install()

  @property
  def stop_requested(self) -> bool:
    return preemption.requested()

  def should_stop(self, step: int) -> bool:
    if preemption.requested():
      return True
    if jax.process_count() > 1:
      if self.manager is not None:
        return self.manager.reached_preemption(step)
      try:
        return multihost_utils.reached_preemption_sync_point(step)
      except RuntimeError:  # preemption service disabled
        return False
    return False

  def uninstall(self):
    if self._installed:
      preemption.uninstall()
      self._installed = False

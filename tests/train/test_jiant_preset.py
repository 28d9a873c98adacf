"""configs/jiant_xstilts.py: jiant's X-STILTs guide for phase 2, and what the loop makes of it.

The preset's values are checked against the guide (batch 4, length 256 for every task, 3
epochs, clip per micro-batch, no model selection: `train.loop.run_phase` evaluates at
multiples of eval_every and at the last step, so eval_every 0 evaluates once, at the end, and
the phase's result is the last weights). The loop's optimizer follows the clip switch.
"""

import os
import runpy

import jax

from xstilts_jax.models.config import preset
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.tasks import load
from xstilts_jax.train import loop
from xstilts_jax.train import optimizer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _config(name):
  return runpy.run_path(os.path.join(ROOT, 'configs', name))['get_config']()


def test_preset_is_jiants_guide_for_phase_2_only():
  preset, default = _config('jiant_xstilts.py'), _config('xlmr_large.py')
  p = preset.intermediate
  assert (p.batch_size, p.qa_batch_size, p.max_seq_length, p.qa_max_seq_length) == (4, 4, 256, 256)
  assert (p.epochs, p.learning_rate, p.eval_every) == (3.0, 1e-5, 0)
  assert preset.optimizer.clip_per_micro_batch and not default.optimizer.clip_per_micro_batch
  assert preset.optimizer.max_grad_norm == 1.0
  assert preset.target.to_dict() == default.target.to_dict()  # phase 3: XTREME's scripts
  assert preset.model.pretrained == default.model.pretrained


def test_loop_builds_the_micro_batch_clip_from_the_config():
  """The phase's optimizer is jiant's accumulation when the config says so; its accumulated
  gradient is sharded like the parameters (the loop's state shardings)."""
  jiant = _config('jiant_xstilts.py')
  config = _config('tiny.py')
  config.optimizer.clip_per_micro_batch = jiant.optimizer.clip_per_micro_batch
  config.optimizer.grad_accum_steps = 2
  model_config = preset('tiny')
  trainer = loop.PhaseTrainer(model_config, [load.resolve_task('udpos')], config,
                              config.target, mesh_lib.make_mesh((-1, 1, 1)), num_steps=6)
  opt_state, opt_shardings = trainer.abstract.opt_state, trainer.shardings.opt_state
  assert isinstance(opt_state, optimizer.MicroBatchClipState)
  assert jax.tree.structure(opt_state.acc_grads) == jax.tree.structure(trainer.abstract.params)
  assert jax.tree.leaves(opt_shardings.acc_grads) == jax.tree.leaves(trainer.shardings.params)

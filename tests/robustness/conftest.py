"""One small finished workdir for every robustness test, written once per session.

The workdir is what `train/experiment.py` leaves behind, written by the same code
(`train.checkpoints.PhaseCheckpoints.save_best`, the zero_shot.json marker) without training:
seeded random weights per target task, made on the host. Training would only add compile
time; the robustness code reads the same files either way (the README's demo workdir is what
a trained one looks like).
"""

import json
import os
import runpy

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TARGETS = 'xnli,udpos,xquad,tatoeba'
LANGUAGES = 'en,de'


def tiny_config(seed=0, intermediate=''):
  """configs/tiny.py with no intermediate phase, four targets, two languages."""
  c = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  c.seed = seed
  c.intermediate.tasks = intermediate
  c.targets = TARGETS
  c.eval.languages = LANGUAGES
  c.compilation_cache = os.path.join(ROOT, '.jax_cache')
  return c


def _random_params(shapes, seed, std=0.02):
  """Host-side init (no XLA compile): N(0, std) weights, zero biases, unit LayerNorm scales."""
  import jax  # pylint: disable=g-import-not-at-top
  import numpy as np  # pylint: disable=g-import-not-at-top
  rng = np.random.default_rng(seed)

  def one(path, x):
    name = str(path[-1])
    if 'scale' in name:
      return np.ones(x.shape, x.dtype)
    if 'bias' in name:
      return np.zeros(x.shape, x.dtype)
    return (std * rng.standard_normal(x.shape)).astype(x.dtype)
  return jax.tree_util.tree_map_with_path(one, shapes)


def write_workdir(config, path, std=0.02):
  """Target phases with seeded random N(0, std) weights, saved as the experiment saves its best."""
  import flax.linen as nn  # pylint: disable=g-import-not-at-top
  import jax  # pylint: disable=g-import-not-at-top
  from xstilts_jax.data.tokenizer import load_tokenizer  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models import HeadSpec, Model, preset  # pylint: disable=g-import-not-at-top
  from xstilts_jax.tasks.registry import get_task  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train import checkpoints, experiment  # pylint: disable=g-import-not-at-top
  from xstilts_jax import run_config  # pylint: disable=g-import-not-at-top
  tokenizer = load_tokenizer(config.tokenizer)
  model_config = preset(config.model.preset, vocab_size=len(tokenizer))
  run_config.save(path, config)  # as the experiment records it
  for k, name in enumerate(config.targets.split(',')):
    task = get_task(name)
    if task.format == 'retrieval':
      continue
    labels = len(task.labels) if task.format in ('classification', 'tagging') else 0
    model = Model(model_config, (HeadSpec(task.head_name, task.format, labels),))
    shapes = nn.unbox(jax.eval_shape(lambda r, m=model: m.init_params(r, boxed=True),
                                     jax.random.PRNGKey(0)))
    phase = os.path.join(path, f'target_{name}')
    ckpts = checkpoints.PhaseCheckpoints(phase, async_save=False)
    ckpts.save_best(1, _random_params(shapes, 100 + k, std), 'score', 0.0)
    ckpts.close()
    with open(os.path.join(phase, experiment.ZERO_SHOT), 'w') as f:
      json.dump({}, f)


@pytest.fixture(scope='session')
def demo_workdir(tmp_path_factory):
  """(config, path) of a finished workdir."""
  config = tiny_config()
  path = str(tmp_path_factory.mktemp('robust') / 'demo')
  write_workdir(config, path)
  return config, path

"""One small finished workdir for every robustness test (trained once per session)."""

import os
import runpy

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TARGETS = 'xnli,udpos,xquad,tatoeba'
LANGUAGES = 'en,de'


def tiny_config(seed=0, intermediate=''):
  """configs/tiny.py shortened: no intermediate phase, few steps, two languages."""
  c = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  c.seed = seed
  c.intermediate.tasks = intermediate
  c.targets = TARGETS
  c.target.num_steps = 16
  c.target.eval_every = 16
  c.checkpoint.every = 16
  c.eval.languages = LANGUAGES
  c.compilation_cache = os.path.join(ROOT, '.jax_cache')
  return c


@pytest.fixture(scope='session')
def demo_workdir(tmp_path_factory):
  """(config, path) of a finished experiment: the test's only training."""
  from xstilts_jax.train import experiment  # tests may build a workdir the normal way
  config = tiny_config()
  path = str(tmp_path_factory.mktemp('robust') / 'demo')
  experiment.run(config, path)
  return config, path

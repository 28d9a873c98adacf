"""The config a run used, kept in its workdir (`run_config.json`), so that tools that evaluate a
finished workdir (`python -m xstilts_jax.robustness --workdir W`) need no --config.

Written by the experiment at the start of every run (the latest run's config, overrides
applied, as ml_collections' JSON); read back as a locked ConfigDict. JSON has no tuples, so
tuple fields come back as lists (every reader of the config takes either).
"""

import json
import os

import ml_collections

from xstilts_jax import storage

FILE = 'run_config.json'


def save(workdir: str, config) -> str:
  path = os.path.join(workdir, FILE)
  storage.write_text(path, config.to_json_best_effort(indent=2, sort_keys=True) + '\n')
  return path


def load(workdir: str) -> ml_collections.ConfigDict:
  """The config of the latest run on `workdir`; FileNotFoundError (naming the file and what to
  do) when no run wrote one."""
  path = os.path.join(workdir, FILE)
  try:
    text = storage.read_text(path)
  except FileNotFoundError:
    raise FileNotFoundError(f'{path} is missing (a run writes it when it starts); give the '
                            'config the run used: --config FILE [--config.x=y ...]') from None
  try:
    config = ml_collections.ConfigDict(json.loads(text))
  except ValueError as e:
    raise ValueError(f'{path}: not a config ({e}); give the config the run used: '
                     '--config FILE') from None
  config.lock()
  return config

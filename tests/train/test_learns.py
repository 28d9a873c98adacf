"""The tiny model learns: English UD-POS from the shipped fixture, F1 well above the baseline.

UD-POS is learnable from 20 sentences (a word's tag is mostly its identity), unlike the
fixtures' NLI or paraphrase sets, where 48 pairs teach a random 2-layer model nothing. The
phase runs in process through `train.loop.run_phase`, the code path of every run.
"""

import collections
import json
import os
import runpy

import numpy as np

from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import predict
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.tasks import load
from xstilts_jax.train import experiment
from xstilts_jax.train import loop

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def test_tiny_model_learns_udpos(tmp_path):
  config = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  config.target.num_steps = 80
  config.target.eval_every = 40
  config.checkpoint.every = 80
  tokenizer = load_tokenizer('tiny')
  model_config, encoder = experiment.start_model(config, tokenizer)
  task = load.resolve_task('udpos')
  params, results, trainer = loop.run_phase(
      str(tmp_path / 'udpos'), name='udpos', tasks=[task], model_config=model_config,
      encoder=encoder, tokenizer=tokenizer, config=config, phase=config.target,
      mesh=mesh_lib.make_mesh((-1, 1, 1)))

  # Baseline: every word tagged with the most frequent training tag (NOUN).
  dev = trainer.data[0].dev_examples
  train = load.load_examples(task, 'train', 'en')
  majority = collections.Counter(t for ex in train for t in ex.labels).most_common(1)[0][0]
  baseline = predict.evaluate(task, dev, [[majority] * len(ex.words) for ex in dev])['f1']

  # The reloaded best parameters reproduce the best dev score.
  dev_f1 = trainer.evaluate(params, config.eval.batch_size)['udpos']['f1']
  assert dev_f1 == results['best']['dev']['udpos']['f1']
  print(f'dev F1 {dev_f1:.1f} vs majority-tag baseline {baseline:.1f}')
  assert dev_f1 >= 60.0 and dev_f1 >= baseline + 30.0, (dev_f1, baseline)

  with open(tmp_path / 'udpos' / 'metrics.jsonl') as f:
    losses = [r['train/loss'] for r in map(json.loads, f) if 'train/loss' in r]
  assert losses[-1] < 0.5 * losses[0], losses
  assert np.isfinite(losses).all()

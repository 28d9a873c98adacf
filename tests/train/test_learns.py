"""The tiny model learns: English UD-POS from the shipped fixture, well above the baseline.

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
  model_config, encoder, _ = experiment.start_model(config, tokenizer)
  task = load.resolve_task('udpos')
  params, results, trainer = loop.run_phase(
      str(tmp_path / 'udpos'), name='udpos', tasks=[task], model_config=model_config,
      encoder=encoder, tokenizer=tokenizer, config=config, phase=config.target,
      mesh=mesh_lib.make_mesh((-1, 1, 1)))

  # Word accuracy against the baseline that tags every word with the most frequent training
  # tag (chance-level for this task; chunk F1 of a constant tag is degenerate, so accuracy).
  d = trainer.data[0]
  outputs = predict.run(trainer.predict_fns[task.head_name], params, d.dev,
                        config.eval.batch_size)
  preds = predict.to_predictions(task, d.dev_examples, d.dev, outputs)
  gold = [t for ex in d.dev_examples for t in ex.labels]
  accuracy = 100 * np.mean([p == g for p, g in zip([t for s in preds for t in s], gold)])
  train = load.load_examples(task, 'train', 'en')
  majority = collections.Counter(t for ex in train for t in ex.labels).most_common(1)[0][0]
  baseline = 100 * np.mean([g == majority for g in gold])
  dev_f1 = predict.evaluate(task, d.dev_examples, preds)['f1']
  print(f'dev word accuracy {accuracy:.1f} (majority tag {majority}: {baseline:.1f}), '
        f'chunk F1 {dev_f1:.1f}')
  assert accuracy >= baseline + 30.0, (accuracy, baseline)
  assert dev_f1 >= 60.0
  # The reloaded best parameters are those that scored best on dev.
  assert dev_f1 == results['best']['dev']['udpos']['f1']

  with open(tmp_path / 'udpos' / 'metrics.jsonl') as f:
    rows = [r for r in map(json.loads, f) if 'train/loss' in r]
  losses = [r['train/loss'] for r in rows]
  # The learning rate of each logged step is Hugging Face's linear warmup/decay at the
  # step's optimizer update (counted from 0), and rows/s is steps/s times the batch.
  total, lr = config.target.num_steps, config.target.learning_rate
  warmup = int(config.optimizer.warmup_fraction * total)
  for r in rows:
    update = r['step'] - 1
    expected = lr * (update / warmup if update < warmup else (total - update) / (total - warmup))
    np.testing.assert_allclose(r['train/learning_rate'], expected, rtol=1e-6)
    np.testing.assert_allclose(r['train/examples_per_sec'],
                               r['train/steps_per_sec'] * d.batch_size, rtol=1e-6)
  assert losses[-1] < 0.5 * losses[0], losses
  assert np.isfinite(losses).all()

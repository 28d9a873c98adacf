"""A tiny run whose intermediate phase trains MNLI on English + German + French translations.

`python -m xstilts_jax.main --config configs/tiny.py` with the `translated` overrides, a few
steps: the phase's results.json and the experiment's record the regime; model selection read
the English dev set only (checked on what `loop.prepare_data` hands the evaluator).
"""

import json
import os
import subprocess
import sys

import ml_collections
import pytest

from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.tasks import load, registry
from xstilts_jax.train import loop

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MIXED = ('--config.intermediate.translated.languages=de,fr',
         '--config.intermediate.translated.weight=0.5')


def _config():
  import runpy  # pylint: disable=g-import-not-at-top
  c = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  c.intermediate.translated = ml_collections.ConfigDict(
      dict(languages='de,fr', weight=0.5, weights=''))
  return c


def test_model_selection_reads_english_dev_only():
  config = _config()
  mnli = registry.get_task('mnli')
  (d,) = loop.prepare_data([mnli], load_tokenizer('tiny'), config, config.intermediate,
                           log=lambda *_: None)
  english_dev = load.load_examples(mnli, 'dev', 'en')[:config.intermediate.eval_examples]
  assert d.dev_examples == english_dev  # what PhaseTrainer.evaluate scores
  assert len(d.dev) == len(english_dev)
  english_train = load.load_examples(mnli, 'train', 'en')
  assert len(d.train) == 2 * len(english_train)  # weight 0.5: as many translated as English
  assert d.regime['regime'] == 'mixed' and d.regime['translated_fraction'] == 0.5


def test_tiny_run_records_the_regime(tmp_path):
  workdir = str(tmp_path / 'run')
  cmd = [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
         '--workdir', workdir, '--config.targets=', '--config.intermediate.num_steps=4',
         '--config.intermediate.eval_every=2', '--config.checkpoint.every=0',
         f'--config.compilation_cache={os.path.join(ROOT, ".jax_cache")}', *MIXED]
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
  assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
  assert 'dev stays English' in p.stdout
  with open(os.path.join(workdir, 'intermediate', 'results.json')) as f:
    phase = json.load(f)
  regime = phase['data_regime']['mnli']
  assert regime['regime'] == 'mixed' and regime['languages'] == ['de', 'fr']
  assert regime['translations'] == 'xnli_translate_train'
  assert regime['settings'] == {'languages': 'de,fr', 'weight': 0.5, 'weights': ''}
  assert regime['per_language']['de']['invalid_label'] == 1  # the fixture's bad row, counted
  assert all(os.path.isfile(f) for r in regime['per_language'].values() for f in r['files'])
  assert phase['train_stats']['mnli']['examples'] == 2 * regime['english_examples']
  assert set(phase['best']['dev']) == {'mnli', 'score'}  # selected on MNLI's (English) dev
  with open(os.path.join(workdir, 'results.json')) as f:
    assert json.load(f)['phases']['intermediate']['data_regime'] == phase['data_regime']


def test_the_plan_reads_and_preflight_checks_the_translations(tmp_path):
  from xstilts_jax.train import plan, preflight  # pylint: disable=g-import-not-at-top
  config = _config()
  config.targets = 'pawsx'
  config.target.translated.languages = 'ja'
  phases = {p.name: p for p in plan.phases(config)}
  reads = lambda name: {(r.task.name, r.split, r.lang) for r in phases[name].reads}
  assert {('xnli_translate_train', 'train', 'de'), ('xnli_translate_train', 'train', 'fr'),
          ('mnli', 'dev', 'en')} <= reads('intermediate')
  assert ('pawsx_translate_train', 'train', 'ja') in reads('target_pawsx')
  # A data dir without the translation files: preflight names them before anything runs.
  config.data.data_dir = str(tmp_path)
  with pytest.raises(preflight.PreflightError, match='en-de-translated.tsv'):
    preflight.check(config, str(tmp_path / 'run'))
  config.target.translated.languages = 'ar'  # PAWS-X has no Arabic translation
  with pytest.raises(ValueError, match="'pawsx' has no translation into ar"):
    plan.phases(config)

"""Preflight: a run finds everything it needs before its first step, or stops listing it all.

One run of `python -m xstilts_jax.main` (data missing at the very end of the run), the rest
in-process (the dry run through `experiment.run`) on the tiny config, the shipped fixtures and
every cell of the paper's grid.
"""

import math
import os
import re
import runpy
import shutil
import subprocess
import sys
import time

import pytest

from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.tasks import benchmarks, load
from xstilts_jax.tasks.registry import get_task
from xstilts_jax.train import plan as plan_lib
from xstilts_jax.train import preflight

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FIXTURES = load.FIXTURES_DIR
GRID = runpy.run_path(os.path.join(ROOT, 'configs', 'grid.py'))


def _tiny(**data):
  c = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  c.data.update(data)
  return c


def _main(workdir, *extra):
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  start = time.time()
  p = subprocess.run([sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
                      '--workdir', str(workdir), *extra], cwd=ROOT, env=env,
                     capture_output=True, text=True, timeout=240)
  return p, time.time() - start


@pytest.fixture
def data_copy(tmp_path):
  """The fixtures copied, so a test can delete files from them."""
  dest = tmp_path / 'data'
  shutil.copytree(FIXTURES, dest)
  return dest


def test_missing_files_at_the_end_stop_the_run_before_training(data_copy, tmp_path):
  # Needed only at the very end (retrieval after all targets) and by the last trained target.
  tatoeba = data_copy / 'tatoeba' / 'tatoeba.deu-eng.deu'
  tydiqa = data_copy / 'tydiqa' / 'tydiqa-goldp-v1.1-dev' / 'tydiqa-goldp-dev-swahili.json'
  tatoeba.unlink()
  tydiqa.unlink()
  workdir = tmp_path / 'run'
  p, seconds = _main(workdir, f'--config.data.data_dir={data_copy}')
  assert p.returncode == 1, p.stdout[-2000:] + p.stderr[-2000:]
  assert 'Traceback' not in p.stderr, p.stderr[-3000:]
  assert seconds < 60
  # Both listed at once, each with what needs it and how to get it.
  lines = [l for l in p.stderr.splitlines() if l.startswith('  - ')]
  assert len(lines) == 2, p.stderr
  assert 'tatoeba test de' in p.stderr and str(tatoeba) in p.stderr
  assert 'tydiqa test sw' in p.stderr and str(tydiqa) in p.stderr
  assert (f'python -m xstilts_jax.data.download --dest {data_copy} --tasks tatoeba'
          in p.stderr)
  # Nothing was trained: no phase folder, no checkpoint.
  assert not os.path.exists(workdir / 'intermediate')
  assert not any('checkpoints' in dirs for _, dirs, _ in os.walk(tmp_path))


def test_all_problems_listed_and_finished_phases_not_checked(data_copy, tmp_path):
  (data_copy / 'tatoeba' / 'tatoeba.deu-eng.deu').unlink()
  (data_copy / 'glue' / 'MNLI' / 'train.tsv').unlink()
  (data_copy / 'ccg' / 'labels.txt').unlink()
  config = _tiny(data_dir=str(data_copy))
  config.intermediate.tasks = 'mnli,ccg'
  config.model.pretrained = str(tmp_path / 'no_checkpoint')
  workdir = tmp_path / 'run'
  with pytest.raises(preflight.PreflightError) as e:
    preflight.check(config, workdir)
  text = str(e.value)
  for expected in ('no_checkpoint: no such folder', 'glue/MNLI/train.tsv', 'ccg/labels.txt',
                   'tatoeba.deu-eng.deu', 'CCGbank is licensed'):
    assert expected in text, text
  assert text.count('\n  - ') == 4, text

  # Finished phases are not checked again: their data may be gone.
  config.model.pretrained = ''
  for phase in ('intermediate', 'retrieval'):
    os.makedirs(workdir / phase)
    (workdir / phase / 'results.json').write_text('{}')
  phases = preflight.check(config, workdir, log=lambda *a: None)
  assert [p.name for p in phases][0] == 'intermediate' and phases[-1].name == 'retrieval'


def test_skip_missing_languages_allows_gaps_but_not_an_empty_task(data_copy):
  config = _tiny(data_dir=str(data_copy))
  config.targets = 'pawsx'
  config.eval.skip_missing_languages = True
  (data_copy / 'pawsx' / 'x-final' / 'de' / 'test_2k.tsv').unlink()
  preflight.check(config, 'unused', log=lambda *a: None)
  for lang in get_task('pawsx').languages:
    path = data_copy / 'pawsx' / 'x-final' / lang / 'test_2k.tsv'
    if path.exists():
      path.unlink()
  with pytest.raises(preflight.PreflightError, match=r'pawsx test: none of its 7 languages'):
    preflight.check(config, 'unused')


def test_missing_data_dir_is_one_line(tmp_path):
  config = _tiny(data_dir=str(tmp_path / 'nowhere'))
  config.targets = 'xnli,tatoeba'
  with pytest.raises(preflight.PreflightError) as e:
    preflight.check(config, tmp_path)
  assert str(e.value).count('\n  - ') == 1
  assert f'--dest {tmp_path / "nowhere"} --tasks mnli,tatoeba,xnli' in str(e.value)


def test_checkpoint_and_tokenizer_checks_fail_fast_offline(tmp_path, monkeypatch):
  monkeypatch.setenv('HF_HUB_OFFLINE', '1')
  start = time.time()
  bad_id = 'xstilts-test/no-such-model'
  problem, = preflight.check_checkpoint(bad_id)
  assert bad_id in problem.where and 'HF_HUB_OFFLINE' in problem.where
  assert '--config.model.pretrained=DIR' in problem.how
  problem, = preflight.check_tokenizer(bad_id)
  assert bad_id in problem.where
  assert time.time() - start < 5

  folder = tmp_path / 'ckpt'
  problem, = preflight.check_checkpoint(str(folder))
  assert f'{folder}: no such folder' == problem.where
  folder.mkdir()
  (folder / 'config.json').write_text('{}')
  problem, = preflight.check_checkpoint(str(folder))
  assert 'model.safetensors' in problem.where and 'config.json' not in problem.where
  (folder / 'model.safetensors').write_bytes(b'')
  assert preflight.check_checkpoint(str(folder)) == []
  assert preflight.check_checkpoint('') == []  # random init
  assert preflight.check_tokenizer('tiny') == []


def test_hub_check_from_the_hub_refs(tmp_path, monkeypatch):
  import datasets  # pylint: disable=g-import-not-at-top
  monkeypatch.setenv('HF_HUB_OFFLINE', '1')
  xquad = get_task('xquad')
  assert 'no hub source' in preflight.check_hub(get_task('ccg'), 'train', 'en')
  # XQuAD trains on SQuAD v1.1 (load.hub_refs): that id, not in the (empty) cache, offline.
  assert 'rajpurkar/squad: not in the local caches' in preflight.check_hub(xquad, 'train', 'en')
  # Saved copies (the tests' hub_dir layout): present with the split, absent, split missing.
  hub_dir = tmp_path / 'hub'
  datasets.DatasetDict({'validation': datasets.Dataset.from_dict({'x': [1]})}).save_to_disk(
      str(hub_dir / 'google' / 'xtreme' / 'XQuAD.de'))
  datasets.DatasetDict({'validation_matched': datasets.Dataset.from_dict({'x': [1]})}
                       ).save_to_disk(str(hub_dir / 'nyu-mll' / 'glue' / 'mnli'))
  assert preflight.check_hub(xquad, 'test', 'de', str(hub_dir)) is None
  assert 'no saved copy of google/xtreme XQuAD.ar' in preflight.check_hub(
      xquad, 'test', 'ar', str(hub_dir))
  mnli = get_task('mnli')
  assert "no split 'train'" in preflight.check_hub(mnli, 'train', 'en', str(hub_dir))
  # A composite is checked part by part: ANLI's copy is the first one missing.
  assert 'no saved copy of facebook/anli' in preflight.check_hub(
      get_task('anli_plus'), 'dev', 'en', str(hub_dir))


def _steps(task, epochs, batch, length, config):
  """ceil(epochs × featurized rows / batch): what the loop trains for."""
  train = load.load_examples(task, 'train', 'en', data_dir=FIXTURES)
  options = ({'doc_stride': config.qa.doc_stride, 'max_query_length': config.qa.max_query_length}
             if task.format == 'span_qa' else {})
  rows = len(featurize_lib.featurize(task, train, load_tokenizer('tiny'), length, **options))
  return math.ceil(epochs * rows / batch)


def test_dry_run_prints_the_plan_and_trains_nothing(tmp_path, capsys):
  from xstilts_jax.train import experiment  # pylint: disable=g-import-not-at-top
  workdir = tmp_path / 'run'
  config = _tiny()
  config.dry_run = True
  config.targets = 'xnli,xquad,tatoeba'
  config.target.num_steps = 0
  config.target.epochs_per_task.xquad = 3
  assert experiment.run(config, str(workdir)) is None
  out = capsys.readouterr().out
  assert not os.path.exists(workdir)
  for phase in ('intermediate', 'target_xnli', 'target_xquad', 'retrieval'):
    assert f'[{phase}] → {workdir / phase}' in out
  # Examples per language, as the loader counts them.
  for name, unit in (('xnli', ''), ('xquad', ''), ('tatoeba', ' pairs')):
    task = get_task(name)
    line = re.search(rf'^  {name} test: (.*)$', out, re.M).group(1)
    counts = dict(item.split(' ', 1) for item in line.split('; '))
    assert list(counts) == list(benchmarks.languages(task))  # XTREME's list (the default)
    for lang, text in counts.items():
      n = len(load.load_examples(task, 'test', lang, data_dir=FIXTURES))
      if name == 'tatoeba':
        corpus, = load.load_examples(task, 'test', lang, data_dir=FIXTURES)
        n = len(corpus.gold)
      assert text == f'{n}{unit}', (name, lang, text)
  # Steps: the config's num_steps for phase 2; epochs × rows / batch for the targets.
  sections = out.split('[target_')
  assert re.search(rf'^  {config.intermediate.num_steps} steps \(config num_steps\)',
                   sections[0], re.M)
  t = config.target
  xnli = _steps(get_task('xnli'), t.epochs_per_task.xnli, t.batch_size, t.max_seq_length, config)
  xquad = _steps(get_task('xquad'), 3, t.qa_batch_size, t.qa_max_seq_length, config)
  assert re.search(rf'^  {xnli} steps \(xnli 2 epochs\)', sections[1], re.M), sections[1]
  assert re.search(rf'^  {xquad} steps \(xquad 3 epochs\)', sections[2], re.M), sections[2]
  assert f'predictions → {workdir / "predictions" / "xquad"}/' in out


def _cell_config(cell):
  config = GRID['get_config'](f'{cell},0')
  config.model.pretrained = ''
  config.model.preset = 'tiny'
  config.tokenizer = 'tiny'
  config.data.data_dir = FIXTURES
  return config


@pytest.mark.parametrize('cell', GRID['CELLS'])
def test_every_grid_cell_passes_preflight_on_local_data(cell, tmp_path):
  config = _cell_config(cell)
  assert config.data.source == 'local'  # the paper's setting reads the downloaded raw data
  phases = preflight.check(config, tmp_path, log=lambda *a: None)
  expected = {'baseline': [], 'multitask': list(GRID['INTERMEDIATE'])}.get(
      cell, [GRID['VARIANT_OF'].get(cell, cell)])
  intermediate = [p for p in phases if p.kind == 'intermediate']
  assert [t.name for p in intermediate for t in p.tasks] == expected
  targets = plan_lib.names(config.targets)
  assert [p.name for p in phases if p.kind == 'target'] == [
      f'target_{n}' for n in targets if n not in ('bucc2018', 'tatoeba')]
  assert [t.name for t in phases[-1].tasks] == ['bucc2018', 'tatoeba']


def test_multitask_cell_dry_run_plans_every_intermediate_task(tmp_path):
  config = _cell_config('multitask')
  config.targets = ''
  lines = []
  phases = preflight.check(config, tmp_path, log=lines.append)
  preflight.dry_run(config, tmp_path, phases, log=lines.append)
  text = '\n'.join(lines)
  i = config.intermediate
  expected = 0
  for name in GRID['INTERMEDIATE']:
    task = plan_lib.resolve(get_task(name), config)
    assert re.search(rf'^  {name}: \d+ train examples', text, re.M), name
    span = task.format == 'span_qa'
    expected += _steps(task, i.epochs, i.qa_batch_size if span else i.batch_size,
                       i.qa_max_seq_length if span else i.max_seq_length, config)
  assert re.search(rf'^  {expected} steps \(anli_plus 3 epochs', text, re.M), text


def test_config_errors_are_listed_together():
  config = _tiny()
  config.intermediate.tasks = 'mnli,no_such_task'
  config.targets = 'xnli,mnli'
  with pytest.raises(preflight.PreflightError) as e:
    preflight.check(config, 'unused')
  assert "unknown task 'no_such_task'" in str(e.value)
  assert "'mnli' is not an XTREME target task" in str(e.value)


def test_a_file_several_tasks_need_is_one_line(data_copy):
  (data_copy / 'squad' / 'train-v1.1.json').unlink()
  config = _tiny(data_dir=str(data_copy))
  config.intermediate.tasks = 'squad_v1'
  config.targets = 'xquad,mlqa'
  with pytest.raises(preflight.PreflightError) as e:
    preflight.check(config, 'unused')
  line, = str(e.value).splitlines()[1:]
  assert line.startswith('  - squad_v1 train en, xquad train en, mlqa train en: no file matches ')
  assert line.endswith(f'--dest {data_copy} --tasks squad_v1,xquad,mlqa')

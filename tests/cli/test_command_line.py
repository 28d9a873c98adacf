"""Command-line errors are one line, before any model loads; `xstilts --help` lists commands."""

import os
import runpy
import subprocess
import sys
import time

import numpy as np
import pytest

from xstilts_jax import cli
from xstilts_jax import main as main_lib
from xstilts_jax.tasks.registry import get_task
from xstilts_jax.train import plan as plan_lib
from xstilts_jax.train import preflight

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, 'configs', 'tiny.py')


def _run(*args, timeout=60):
  return subprocess.run([sys.executable, '-m', 'xstilts_jax.cli', *args], cwd=ROOT,
                        capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_command(capsys):
  assert cli.main(['--help']) == 0
  out = capsys.readouterr().out
  for command in ('train', 'score', 'download', 'grid', 'robustness'):
    assert any(line.split()[:1] == [command] for line in out.splitlines()), out
  with open(os.path.join(ROOT, 'setup.py')) as f:
    assert "'xstilts=xstilts_jax.cli:run'" in f.read()  # the console script is the dispatcher


def test_unknown_command_names_the_commands(capsys):
  assert cli.main(['trian']) == cli.EXIT_USAGE
  err = capsys.readouterr().err
  assert "unknown command 'trian'" in err and 'train' in err.split('commands:')[1]


def test_config_typo_is_one_line_with_the_suggestion(tmp_path):
  r = _run('train', '--config', TINY, '--workdir', str(tmp_path),
           '--config.eval.langauges=de')
  assert r.returncode == 2, r.stderr
  assert r.stderr.strip().splitlines() == [
      "error: --config.eval.langauges: no field 'eval.langauges' in the config; "
      "did you mean 'eval.languages'? (--help lists the flags)"]
  assert not os.listdir(tmp_path)  # exited before anything was written


def test_bad_value_and_missing_config_are_one_line(tmp_path):
  r = _run('--config', TINY, '--workdir', str(tmp_path), '--config.eval.batch_size=abc')
  assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
  assert "--config.eval.batch_size=abc" in r.stderr and 'Traceback' not in r.stderr
  r = _run('train', '--config', 'configs/nope.py', '--workdir', str(tmp_path))
  assert r.returncode == 2 and r.stderr.strip() == 'error: --config configs/nope.py: no such file'


def test_unwritable_workdir_fails_before_any_work(tmp_path):
  parent = tmp_path / 'a_file'
  parent.write_text('not a folder')  # unwritable even as root, unlike chmod
  workdir = str(parent / 'run')
  r = _run('train', '--config', TINY, '--workdir', workdir)
  assert r.returncode == main_lib.EXIT_ERROR
  assert r.stderr.strip() == f'error: --workdir {workdir}: cannot write there (Not a directory)'
  assert main_lib.workdir_problem(str(tmp_path / 'new' / 'run')) is None
  assert os.listdir(tmp_path / 'new' / 'run') == []  # created, the probe removed



def _tiny():
  return runpy.run_path(TINY)['get_config']()


def test_unknown_task_and_languages_name_the_known_ones():
  config = _tiny()
  config.intermediate.tasks = 'mnli,mnlii,mlm'
  config.targets = 'xnli,tydiqa'
  config.eval.languages = 'de,klingon'
  config.mlm.languages = 'de,xx'
  with pytest.raises(preflight.PreflightError) as e:
    preflight.check(config, 'unused')  # before any data is read
  lines = str(e.value).splitlines()
  assert "  - config.intermediate.tasks: unknown task 'mnlii'" in lines
  assert "  - config.mlm.languages: 'mlm' has no language 'xx'" in lines
  assert "mnli" in lines[-1].split('known tasks: ')[1].rstrip(')').split(', ')
  each = f'xnli: {",".join(get_task("xnli").languages)}; ' \
         f'tydiqa: {",".join(get_task("tydiqa").languages)}'
  assert f"  - config.eval.languages: no target has language 'klingon' ({each})" in lines
  assert not any("'de'" in line for line in lines)  # xnli has de: fine


def test_a_language_some_targets_lack_is_said():
  config = _tiny()
  config.targets = 'xnli,tydiqa,udpos'
  config.eval.languages = 'de,sw'  # tydiqa lacks de, udpos lacks sw, xnli has both
  assert plan_lib.eval_language_notes(config) == [
      'config.eval.languages: tydiqa has no de; evaluates sw',
      'config.eval.languages: udpos has no sw; evaluates de']
  phases = {p.name: p for p in plan_lib.phases(config)}
  assert [r.lang for r in phases['target_tydiqa'].reads if r.stage == 'eval'] == ['sw']
  assert [r.lang for r in phases['target_xnli'].reads if r.stage == 'eval'] == ['de', 'sw']
  config.eval.languages = 'de'
  assert plan_lib.eval_language_notes(config) == [
      f'config.eval.languages: tydiqa has no de; evaluates all its '
      f'{len(get_task("tydiqa").languages)} languages']


def test_no_network_fails_in_seconds_naming_the_model_and_the_alternative(tmp_path):
  env = {k: v for k, v in os.environ.items() if k != 'HF_HUB_OFFLINE'}
  env.update(HF_ENDPOINT='http://127.0.0.1:9',  # a closed port: no hub
             HF_HOME=str(tmp_path / 'hf'), JAX_PLATFORMS='cpu')  # an empty cache
  model = 'FacebookAI/xlm-roberta-base'
  start = time.time()
  r = subprocess.run([sys.executable, '-m', 'xstilts_jax.cli', 'train', '--config', TINY,
                      '--workdir', str(tmp_path / 'run'), f'--config.model.pretrained={model}'],
                     cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
  seconds = time.time() - start
  assert r.returncode == main_lib.EXIT_ERROR, r.stderr
  assert seconds < 20, seconds
  assert 'Traceback' not in r.stderr
  line, = [l for l in r.stderr.splitlines() if l.startswith('  - checkpoint: ')]
  assert f'{model}: not in the local cache, and the hub did not answer' in line
  assert '--config.model.pretrained=DIR' in line


def test_featurizing_many_examples_shows_a_bar_and_the_same_features(monkeypatch, capsys):
  from xstilts_jax.data import featurize as featurize_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.data import features as features_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.data.tokenizer import load_tokenizer  # pylint: disable=g-import-not-at-top
  from xstilts_jax.tasks.examples import ClassificationExample  # pylint: disable=g-import-not-at-top
  task = get_task('mnli')
  tokenizer = load_tokenizer('tiny')
  monkeypatch.setattr(features_lib, 'PROGRESS_FROM', 100)  # small and fast, same code
  monkeypatch.setattr(features_lib, 'PROGRESS_CHUNK', 30)
  examples = [ClassificationExample(f'ex{i}', f'the cat {i} sat on the mat', f'a dog {i % 7}', 1)
              for i in range(101)]
  monkeypatch.setenv('XSTILTS_PROGRESS', '1')
  chunked = featurize_lib.featurize(task, examples, tokenizer, 32)
  err = capsys.readouterr().err
  assert f'tokenizing:   0%' in err and f'0/{len(examples)} ' in err, err[-300:]
  monkeypatch.setattr(features_lib, 'PROGRESS_FROM', len(examples) + 1)  # one call, no bar
  monkeypatch.setenv('XSTILTS_PROGRESS', '0')
  whole = featurize_lib.featurize(task, examples, tokenizer, 32)
  assert capsys.readouterr().err == ''
  for key, value in whole.arrays.items():
    np.testing.assert_array_equal(chunked.arrays[key], value)


def test_per_language_bar_off_unless_forced(monkeypatch, capsys):
  from xstilts_jax.data import progress  # pylint: disable=g-import-not-at-top
  monkeypatch.setenv('XSTILTS_PROGRESS', '1')
  assert list(progress.iterate(['de', 'fr'], 'xnli zero-shot', 'lang')) == ['de', 'fr']
  assert 'xnli zero-shot:   0%| ' in capsys.readouterr().err
  monkeypatch.delenv('XSTILTS_PROGRESS')  # pytest's stderr is not a terminal
  assert list(progress.iterate(['de'], 'xnli zero-shot', 'lang')) == ['de']
  assert capsys.readouterr().err == ''

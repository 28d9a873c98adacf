"""`config.benchmark`: XTREME (default) or XTREME-R decides the default targets and every
zero-shot language list; preflight and the dry run list XTREME-R's plan on the fixtures."""

import os
import re
import runpy

import pytest

from xstilts_jax.eval import zero_shot
from xstilts_jax.tasks import benchmarks, languages
from xstilts_jax.tasks.registry import get_task
from xstilts_jax.train import plan as plan_lib
from xstilts_jax.train import preflight

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
XTREME_R_TEN = ('xnli', 'xcopa', 'udpos', 'panx', 'xquad', 'mlqa', 'tydiqa', 'tatoeba',
                'mewslix', 'lareqa')


def _tiny(**overrides):
  c = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  c.update(overrides)
  return c


def _eval_languages(phases):
  out = {}
  for p in phases:
    for r in p.reads:
      if r.stage == 'eval':
        out.setdefault(r.task.name, []).append(r.lang)
  return {name: list(dict.fromkeys(langs)) for name, langs in out.items()}


def test_the_benchmark_tables():
  assert benchmarks.targets('xtreme-r') == XTREME_R_TEN
  assert 'pawsx' not in benchmarks.targets('xtreme-r')
  assert len({l for t in XTREME_R_TEN for l in benchmarks.languages(t, 'xtreme-r')}) == 50
  assert benchmarks.languages('udpos') == languages.UDPOS  # XTREME's 33, the default
  assert len(benchmarks.languages('udpos', 'xtreme-r')) == 38
  # A task the benchmark lacks evaluates all its languages (XCOPA named under XTREME).
  assert benchmarks.languages('xcopa', 'xtreme') == tuple(get_task('xcopa').languages)
  assert zero_shot.eval_languages(get_task('tatoeba'), [], 'xtreme-r') == list(
      languages.XTREME_R['tatoeba'])
  assert zero_shot.eval_languages(get_task('tatoeba'), ['az', 'xx'], 'xtreme') == ['az']
  nine = list(benchmarks.targets('xtreme'))
  assert benchmarks.target_names(nine, 'xtreme-r') == list(XTREME_R_TEN)
  assert benchmarks.target_names(nine, 'xtreme') == nine
  assert benchmarks.target_names(['udpos'], 'xtreme-r') == ['udpos']
  with pytest.raises(ValueError, match="config.benchmark='xtreme-s': expected one of "
                                       "'xtreme', 'xtreme-r'"):
    benchmarks.targets('xtreme-s')


def test_xtreme_r_plan_targets_and_languages(tmp_path):
  config = _tiny(benchmark='xtreme-r')
  phases = preflight.check(config, tmp_path, log=lambda *a: None)
  assert [p.name for p in phases] == ['intermediate'] + [
      f'target_{n}' for n in XTREME_R_TEN if n != 'tatoeba'] + ['retrieval']
  assert [t.name for t in phases[-1].tasks] == ['tatoeba']
  assert _eval_languages(phases) == {n: list(languages.XTREME_R[n]) for n in XTREME_R_TEN}
  # Ranking targets train on English and select on the English dev set, as the others.
  lareqa = next(p for p in phases if p.name == 'target_lareqa')
  assert [(r.split, r.lang) for r in lareqa.reads[:2]] == [('train', 'en'), ('dev', 'en')]


def test_xtreme_is_the_default_and_named_targets_stay(tmp_path):
  phases = preflight.check(_tiny(), tmp_path, log=lambda *a: None)
  langs = _eval_languages(phases)
  assert list(langs) == list(benchmarks.targets('xtreme'))
  assert langs == {n: list(benchmarks.BENCHMARKS['xtreme'][n]) for n in langs}
  assert len(langs['udpos']) == 33 and len(langs['tatoeba']) == 36
  # Targets named on the command line are kept; the language lists still follow the benchmark.
  config = _tiny(benchmark='xtreme-r', targets='udpos,xcopa')
  config.intermediate.tasks = ''
  langs = _eval_languages(plan_lib.phases(config))
  assert list(langs) == ['udpos', 'xcopa'] and 'wo' in langs['udpos']
  config = _tiny(targets='udpos,panx')
  config.eval.languages = 'wo,de'  # a language only XTREME-R lists, asked for by name
  assert _eval_languages(plan_lib.phases(config)) == {'udpos': ['wo', 'de'], 'panx': ['de']}
  with pytest.raises(preflight.PreflightError, match=r"config.benchmark='xtreme-s'"):
    preflight.check(_tiny(benchmark='xtreme-s'), tmp_path, log=lambda *a: None)


def test_xtreme_r_dry_run_lists_the_plan(tmp_path, capsys):
  from xstilts_jax.train import experiment  # pylint: disable=g-import-not-at-top
  config = _tiny(benchmark='xtreme-r', dry_run=True)
  config.intermediate.tasks = ''
  config.targets = 'xcopa,mewslix,lareqa,tatoeba'
  assert experiment.run(config, str(tmp_path / 'run')) is None
  out = capsys.readouterr().out
  assert re.search(r'^  xcopa: 6 train examples → 6 rows .*; 3 English dev examples', out, re.M)
  line = re.search(r'^  mewslix test: (.*)$', out, re.M).group(1)
  assert line.split('; ') == [f'{l} 2 queries, 6 candidates'
                              for l in languages.XTREME_R['mewslix']]
  line = re.search(r'^  lareqa test: (.*)$', out, re.M).group(1)
  assert line.split('; ')[0] == 'ar 2 queries, 22 candidates'
  assert len(re.search(r'^  tatoeba test: (.*)$', out, re.M).group(1).split('; ')) == 41
  for name in ('xcopa', 'mewslix', 'lareqa', 'tatoeba'):
    assert f'{name} predictions → ' in out

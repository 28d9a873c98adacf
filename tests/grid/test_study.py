"""Study and grid aggregation arithmetic on hand-made scores dicts (no training)."""

import pytest

from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.grid import aggregate
from xstilts_jax.grid import benchmark as benchmark_lib
from xstilts_jax.grid import cells
from xstilts_jax.report import study
from xstilts_jax.report import tiers
from xstilts_jax.tasks import languages


def _scores(xnli, pawsx=None):
  tasks = {'xnli': {'score': sum(xnli.values()) / len(xnli),
                    'langs': {l: {'accuracy': v} for l, v in xnli.items()}}}
  if pawsx is not None:
    tasks['pawsx'] = {'score': pawsx, 'langs': {'en': {'accuracy': pawsx}}}
  return {'tasks': tasks}


def test_tiers_follow_joshi_classes():
  assert [tiers.tier(l) for l in ('en', 'hi', 'th', 'sw', 'yo', 'te', 'xx')] == [
      'high', 'high', 'mid', 'low', 'low', 'low', None]
  # Every XTREME and XTREME-R language has a class (tiers.py: checked against lang2tax).
  assert [l for l in languages.XTREME_R_LANGUAGES + languages.PANX if tiers.tier(l) is None] == []
  assert (tiers.JOSHI_CLASS['az'], tiers.JOSHI_CLASS['ht']) == (1, 2)


def test_paired_differences_spread_worst_and_tiers():
  # A: en 80, th 60, sw 40 (seed 0) and en 82, th 58, sw 44 (seed 1); B: +5, +10, +20 / +3, +6, +16.
  a = [_scores({'en': 80.0, 'th': 60.0, 'sw': 40.0}), _scores({'en': 82.0, 'th': 58.0, 'sw': 44.0})]
  b = [_scores({'en': 85.0, 'th': 70.0, 'sw': 60.0}), _scores({'en': 85.0, 'th': 64.0, 'sw': 60.0})]
  c = study.compare_groups(a, b)
  by_lang = {r['lang']: r for r in c['langs']}
  assert by_lang['sw']['diff'] == pytest.approx(18.0)
  assert by_lang['sw']['diff_std'] == pytest.approx(8 ** 0.5)   # diffs 20, 16
  assert by_lang['th']['diff'] == pytest.approx(8.0) and by_lang['en']['diff'] == pytest.approx(4.0)
  (t,) = c['targets']
  # Mean over languages of the per-language means: A (81, 59, 42), B (85, 67, 60).
  assert t['a_mean'] == pytest.approx(182 / 3) and t['b_mean'] == pytest.approx(212 / 3)
  a_std = (sum((x - 182 / 3) ** 2 for x in (81, 59, 42)) / 3) ** 0.5
  b_std = (sum((x - 212 / 3) ** 2 for x in (85, 67, 60)) / 3) ** 0.5
  assert t['std_change'] == pytest.approx(b_std - a_std) and t['std_change'] < 0
  assert (t['a_worst_lang'], t['b_worst_lang'], t['worst_change']) == ('sw', 'sw', 18.0)
  assert {r['tier']: r['diff'] for r in c['tiers']} == pytest.approx(
      {'high': 4.0, 'mid': 8.0, 'low': 18.0})


def test_groups_pair_by_position_and_skip_tasks_not_in_both():
  a = [_scores({'en': 50.0}, pawsx=70.0)]
  b = [_scores({'en': 60.0}), _scores({'en': 90.0})]
  c = study.compare_groups(a, b)
  assert c['pairs'] == 1 and [t['task'] for t in c['targets']] == ['xnli']
  assert c['langs'][0]['diff'] == 10.0


def test_grid_aggregate_mean_std_delta_best():
  per_cell = {'baseline': {0: _scores({'en': 50.0}, 60.0), 1: _scores({'en': 52.0}, 62.0)},
              'mnli': {0: _scores({'en': 58.0}, 61.0), 1: _scores({'en': 60.0}, 65.0)},
              'qqp': {0: _scores({'en': 54.0}, 70.0)}}
  agg = aggregate.aggregate(per_cell, 'baseline')
  assert agg['targets'] == ['xnli', 'pawsx']
  m = agg['table']['mnli']['xnli']
  assert (m['mean'], m['std'], m['n'], m['delta']) == pytest.approx((59.0, 2 ** 0.5, 2, 8.0))
  assert agg['table']['qqp']['xnli']['std'] is None   # one seed: no std
  assert {t: b['cell'] for t, b in agg['best'].items()} == {'xnli': 'mnli', 'pawsx': 'qqp'}
  assert agg['best']['pawsx']['delta'] == pytest.approx(9.0)
  s = agg['selection']
  assert s['benchmark'] == 'xtreme' and s['score'] is None and 'udpos' in s['reason']
  assert s['mean_over_present'] == pytest.approx((59.0 + 70.0) / 2)
  assert s['baseline_mean_over_present'] == pytest.approx((51.0 + 61.0) / 2)


def _full(benchmark, value_of):
  """{task: {lang: metrics}} with every official language of `benchmark`; value_of(task, i)."""
  out = {}
  for task, langs in benchmark_lib.task_languages(benchmark).items():
    out[task] = {}
    for i, lang in enumerate(langs):
      v = value_of(task, i)
      out[task][lang] = ({'exact_match': v - 10.0, 'f1': v + 10.0} if task in
                         ('xquad', 'mlqa', 'tydiqa') else
                         {'f1': v, 'precision': 0.0, 'recall': 0.0} if task in
                         ('udpos', 'panx', 'bucc2018') else
                         {'map@20': v} if task in ('mewslix', 'lareqa') else {'accuracy': v})
  return out


def test_xtreme_r_score_is_the_mean_of_its_ten_tasks_over_their_languages():
  base = {t: 10.0 * (k + 1) for k, t in enumerate(languages.XTREME_R)}
  per_task = _full('xtreme-r', lambda task, i: base[task] + (i % 2))   # alternating +0, +1
  r = benchmark_lib.benchmark_score('xtreme-r', per_task)
  n = {t: len(l) for t, l in languages.XTREME_R.items()}
  expected = {t: base[t] + (n[t] // 2) / n[t] for t in languages.XTREME_R}
  assert r['tasks'] == pytest.approx(expected)
  assert r['score'] == pytest.approx(sum(expected.values()) / 10) and r['reason'] is None
  assert r['categories']['retrieval'] == pytest.approx(
      (expected['tatoeba'] + expected['mewslix'] + expected['lareqa']) / 3)
  assert r['categories']['classification'] == pytest.approx(
      (expected['xnli'] + expected['xcopa']) / 2)
  # PAWS-X and BUCC are not XTREME-R tasks: ignored. A missing XTREME-R language: no score.
  per_task['pawsx'] = {'en': {'accuracy': 99.0}}
  del per_task['udpos']['wo']
  r = benchmark_lib.benchmark_score('xtreme-r', per_task)
  assert r['tasks']['udpos'] is None and r['score'] is None
  assert r['categories']['structured prediction'] is None and 'udpos/wo' in r['reason']
  assert r['tasks']['xnli'] == pytest.approx(expected['xnli'])
  with pytest.raises(ValueError, match="'xtreme-q'.*'xtreme', 'xtreme-r'"):
    benchmark_lib.benchmark_score('xtreme-q', per_task)


def test_xtreme_score_matches_the_scorers_task_numbers():
  per_task = _full('xtreme', lambda task, i: 40.0 + i)
  r = benchmark_lib.benchmark_score('xtreme', per_task)
  for name, t in xtreme_tasks.TASKS.items():
    avg = {m: sum(per_task[name][l][m] for l in t.langs) / len(t.langs) for m in t.metrics}
    assert r['tasks'][name] == pytest.approx(xtreme_tasks.task_number(t, avg))
  assert r['score'] == pytest.approx(sum(r['tasks'].values()) / 9)


def test_grid_selection_is_scored_on_the_runs_benchmark(tmp_path):
  per_task = _full('xtreme-r', lambda task, i: 50.0)
  better = _full('xtreme-r', lambda task, i: 60.0 if task == 'xcopa' else 40.0)
  scores = lambda pt: {'tasks': {t: {'score': benchmark_lib.benchmark_score(
      'xtreme-r', pt)['tasks'][t], 'langs': langs} for t, langs in pt.items()}}
  per_cell = {'baseline': {0: scores(per_task)}, 'mnli': {0: scores(per_task)},
              'xcopa_cell': {0: scores(better)}}
  agg = aggregate.aggregate(per_cell, 'baseline', 'xtreme-r')
  assert agg['best']['xcopa']['cell'] == 'xcopa_cell' and agg['best']['xnli']['cell'] == 'mnli'
  assert agg['selection']['score'] == pytest.approx((9 * 50.0 + 60.0) / 10)
  # The benchmark comes from the runs' config: the base's default, or an override.
  config = tmp_path / 'base.py'
  config.write_text('import ml_collections\n'
                    'def get_config():\n'
                    '  return ml_collections.ConfigDict(dict(seed=0))\n')
  runs = cells.runs(['baseline', 'mnli'], [0])
  assert aggregate.benchmark_of(str(config), runs) == 'xtreme'
  assert aggregate.benchmark_of(str(config), runs, [('benchmark', 'xtreme-r')]) == 'xtreme-r'
  table = dict(cells.CELLS, mnli={'intermediate.tasks': 'mnli', 'benchmark': 'xtreme-r'})
  with pytest.raises(ValueError, match='differ in config.benchmark'):
    aggregate.benchmark_of(str(config), cells.runs(['baseline', 'mnli'], [0], table))

"""Study and grid aggregation arithmetic on hand-made scores dicts (no training)."""

import pytest

from xstilts_jax.grid import aggregate
from xstilts_jax.report import study
from xstilts_jax.report import tiers


def _scores(xnli, pawsx=None):
  tasks = {'xnli': {'score': sum(xnli.values()) / len(xnli),
                    'langs': {l: {'accuracy': v} for l, v in xnli.items()}}}
  if pawsx is not None:
    tasks['pawsx'] = {'score': pawsx, 'langs': {'en': {'accuracy': pawsx}}}
  return {'tasks': tasks}


def test_tiers_follow_joshi_classes():
  assert [tiers.tier(l) for l in ('en', 'hi', 'th', 'sw', 'yo', 'te', 'xx')] == [
      'high', 'high', 'mid', 'low', 'low', 'low', None]


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
  assert s['xtreme_score'] is None and 'udpos' in s['reason']
  assert s['mean_over_present'] == pytest.approx((59.0 + 70.0) / 2)
  assert s['baseline_mean_over_present'] == pytest.approx((51.0 + 61.0) / 2)

"""mAP@20 against a brute-force reference on hand-made rankings (one gold, eleven golds)."""

import random

import pytest

from xstilts_jax.eval.metrics import map_at_k


def _brute_force_ap(golds, ranked, k):
  """Average precision at k from its definition: the mean, over the min(#gold, k) best
  achievable relevant positions, of precision at each relevant position actually reached."""
  ranked = list(dict.fromkeys(ranked))[:k]  # duplicates count once
  relevant = [i for i, c in enumerate(ranked, start=1) if c in golds]
  precisions = [len([r for r in relevant if r <= i]) / i for i in relevant]
  return sum(precisions) / min(len(golds), k)


def test_one_gold_is_the_reciprocal_rank_cut_at_k():
  gold = {'q1': ['Q7'], 'q2': ['Q9'], 'q3': ['Q1'], 'q4': ['Q5']}
  ranked = {'q1': ['Q7', 'Q2'],                      # rank 1 -> 1
            'q2': ['Q1', 'Q2', 'Q9'],                # rank 3 -> 1/3
            'q3': [f'Q{i}' for i in range(2, 22)] + ['Q1']}  # rank 21 -> cut -> 0
  # q4 has no prediction: 0, as the official scorer's partial credit
  assert map_at_k(gold, ranked, k=20)['map@20'] == pytest.approx(100 * (1 + 1 / 3) / 4)


def test_eleven_golds_against_brute_force():
  rng = random.Random(0)
  pool = [f'c{i}' for i in range(60)]
  gold, ranked = {}, {}
  for q in range(50):
    gold[f'q{q}'] = rng.sample(pool, 11)
    ranked[f'q{q}'] = rng.sample(pool, rng.choice([5, 20, 40]))
  expected = sum(_brute_force_ap(set(gold[q]), ranked[q], 20) for q in gold) / len(gold)
  assert map_at_k(gold, ranked, k=20)['map@20'] == pytest.approx(100 * expected)
  # a perfect ranking scores 100, all golds after rank 20 score 0
  perfect = {q: list(g) + ['x'] for q, g in gold.items()}
  assert map_at_k(gold, perfect)['map@20'] == pytest.approx(100)
  late = {q: [f'n{i}' for i in range(20)] + list(g) for q, g in gold.items()}
  assert map_at_k(gold, late)['map@20'] == 0


def test_hand_computed_eleven_gold_case():
  golds = [f'g{i}' for i in range(11)]
  ranked = ['g0', 'x', 'g1'] + [f'y{i}' for i in range(17)]
  # hits at ranks 1 and 3: (1/1 + 2/3) / 11
  assert map_at_k({'q': golds}, {'q': ranked})['map@20'] == pytest.approx(100 * (5 / 3) / 11)
  assert map_at_k({'q': golds}, {'q': ['g0', 'g0', 'g1']})['map@20'] == pytest.approx(
      100 * (1 + 2 / 3) / 11)  # a repeated id is not a second hit


def test_unknown_queries_and_empty_golds_are_errors():
  with pytest.raises(ValueError, match="no gold, e.g. 'zz'"):
    map_at_k({'q': ['a']}, {'q': ['a'], 'zz': ['b']})
  with pytest.raises(ValueError, match="'q' has no gold"):
    map_at_k({'q': []}, {})

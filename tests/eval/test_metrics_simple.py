"""Accuracy and BUCC precision / recall / F1."""

import pytest

from xstilts_jax.eval.metrics import accuracy, bucc_prf


def test_accuracy_percent():
  assert accuracy(['a', 'b', 'c', 'a'], ['a', 'b', 'a', 'c']) == {'accuracy': 50.0}


def test_accuracy_length_mismatch():
  with pytest.raises(ValueError):
    accuracy(['a'], ['a', 'b'])


def test_bucc_sets():
  gold = [('de-1', 'en-1'), ('de-2', 'en-2'), ('de-3', 'en-3'), ('de-4', 'en-4')]
  pred = [('de-1', 'en-1'), ('de-1', 'en-1'), ('de-2', 'en-9')]  # duplicates collapse
  # 1 correct of 2 distinct predicted, of 4 gold: P 50, R 25, F1 2*.5*.25/.75 = 1/3.
  r = bucc_prf(gold, pred)
  assert r['precision'] == pytest.approx(50.0)
  assert r['recall'] == pytest.approx(25.0)
  assert r['f1'] == pytest.approx(100 / 3)


def test_bucc_nothing_correct():
  assert bucc_prf([('a', 'b')], [('a', 'c')]) == {'f1': 0.0, 'precision': 0.0, 'recall': 0.0}

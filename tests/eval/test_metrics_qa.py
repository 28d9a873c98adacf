"""SQuAD v1.1, SQuAD v2.0 and MLQA metrics on hand-made cases."""

import pytest

from xstilts_jax.eval.metrics import (mlqa_evaluate, mlqa_normalize_answer, squad_evaluate,
                                      squad_normalize_answer, squad_v2_evaluate)


def _data(*qas):
  """SQuAD 'data' list from (id, [answers])."""
  return [{'paragraphs': [{'context': '', 'qas': [
      {'id': qid, 'answers': [{'text': a, 'answer_start': 0} for a in answers]}
      for qid, answers in qas]}]}]


def test_squad_normalisation():
  assert squad_normalize_answer('The  Cat, an animal!') == 'cat animal'
  # English rules everywhere: non-ASCII punctuation stays, other languages' articles stay.
  assert squad_normalize_answer('«la casa»') == '«la casa»'


def test_squad_max_over_gold_and_unanswered():
  data = _data(('q1', ['Denver Broncos', 'the Broncos']), ('q2', ['308']),
               ('q3', ['blue whale']))
  preds = {'q1': 'Broncos', 'q2': '308 points'}  # q3 unanswered -> 0
  # q1: EM 0 (normalises to 'broncos' vs 'denver broncos'/'broncos'): best is 'the Broncos'
  # -> 'broncos' == 'broncos': EM 1, F1 1. q2: EM 0, F1 2*(1/2)*1/(3/2) = 2/3.
  r = squad_evaluate(data, preds)
  assert r['exact_match'] == pytest.approx(100 / 3)
  assert r['f1'] == pytest.approx(100 * (1 + 2 / 3) / 3)


def test_squad_v1_empty_prediction_scores_zero():
  assert squad_evaluate(_data(('q', ['x'])), {'q': ''}) == {'exact_match': 0.0, 'f1': 0.0}


def test_squad_v2_no_answer_rule():
  data = _data(('a', ['Paris']), ('b', []), ('c', []), ('d', ['the']))
  # a: answerable, right. b: no answer, predicted empty -> EM 1, F1 1.
  # c: no answer, predicted text -> 0. d: gold 'the' normalises to nothing, so it counts as
  # no answer; has_ans by the raw list though (as the official script).
  preds = {'a': 'Paris', 'b': '', 'c': 'London', 'd': ''}
  r = squad_v2_evaluate(data, preds)
  assert r['exact_match'] == pytest.approx(75.0)
  assert r['f1'] == pytest.approx(75.0)
  assert r['has_ans_exact_match'] == pytest.approx(100.0)  # a and d
  assert r['no_ans_exact_match'] == pytest.approx(50.0)    # b and c
  assert (r['total'], r['missing']) == (4, 0)


def test_squad_v2_missing_predictions_are_counted_not_scored():
  r = squad_v2_evaluate(_data(('a', ['x']), ('b', [])), {'a': 'x'})
  assert (r['total'], r['missing'], r['exact_match']) == (1, 1, 100.0)


def test_mlqa_chinese_splits_per_character():
  assert mlqa_normalize_answer('电化电池', 'zh') == '电 化 电 池'
  # Latin runs stay words; CJK punctuation is removed before segmentation.
  assert mlqa_normalize_answer('ATP合成酶。', 'zh') == 'atp 合 成 酶'
  data = _data(('q', ['电化电池']))
  # Pred 2 of 4 characters: P 1, R 1/2, F1 2/3. (SQuAD rules: one token each -> F1 0.)
  r = mlqa_evaluate(data, {'q': '电池'}, 'zh')
  assert r['f1'] == pytest.approx(200 / 3)
  assert r['exact_match'] == 0.0
  assert squad_evaluate(data, {'q': '电池'})['f1'] == 0.0


def test_mlqa_arabic_removes_every_al():
  # The official regex replaces every 'ال', also inside a word ('الطرق' -> 'طرق').
  assert mlqa_normalize_answer('الطرق الترابية', 'ar') == 'طرق ترابية'
  assert mlqa_normalize_answer('مالك', 'ar') == 'م ك'
  r = mlqa_evaluate(_data(('q', ['الطرق الترابية'])), {'q': 'طرق ترابية'}, 'ar')
  assert r == {'exact_match': 100.0, 'f1': 100.0}


def test_mlqa_unicode_punctuation_and_articles():
  # '¿' and '—' are Unicode punctuation, removed without a space (so the words join);
  # Spanish articles are removed.
  assert mlqa_normalize_answer('¿Los años—dos?', 'es') == 'añosdos'
  assert mlqa_normalize_answer('¿Los años — dos?', 'es') == 'años dos'
  assert mlqa_normalize_answer('der Hund', 'de') == 'hund'
  # German article rules do not apply to English.
  assert mlqa_normalize_answer('der Hund', 'en') == 'der hund'
  with pytest.raises(ValueError, match='fr'):
    mlqa_normalize_answer('x', 'fr')

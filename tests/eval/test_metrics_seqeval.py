"""seqeval 0.0.12 chunk F1, including POS cases where seqeval 1.x gives other numbers."""

import pytest

from xstilts_jax.eval.metrics import chunk_prf, get_entities


def test_ner_bio_chunks():
  assert get_entities(['B-PER', 'I-PER', 'O', 'B-LOC']) == [('PER', 0, 1), ('LOC', 3, 3)]
  # An I- after O starts a chunk; a type change ends one.
  assert get_entities(['O', 'I-PER', 'I-LOC']) == [('PER', 1, 1), ('LOC', 2, 2)]


def test_sentences_are_joined_with_an_o():
  # Positions count the separator: sentence 2 starts at index 3.
  assert get_entities([['B-PER', 'I-PER'], ['I-PER']]) == [('PER', 0, 1), ('PER', 3, 3)]


def test_ner_f1_by_hand():
  # The mock PAN-X German file. Gold: LOC(1,4) PER(6,7) PER(9,10).
  # Pred: PER(0,1) PER(3,3) PER(6,7) PER(9,10). 2 correct: P 2/4, R 2/3, F1 4/7.
  gold = [['O', 'B-LOC', 'I-LOC', 'I-LOC', 'I-LOC'], ['B-PER', 'I-PER', 'O', 'B-PER', 'I-PER']]
  pred = [['B-PER', 'I-PER', 'O', 'I-PER', 'O'], ['B-PER', 'I-PER', 'O', 'B-PER', 'I-PER']]
  r = chunk_prf(gold, pred)
  assert r['precision'] == pytest.approx(50.0)
  assert r['recall'] == pytest.approx(200 / 3)
  assert r['f1'] == pytest.approx(400 / 7)


def test_pos_runs_merge_and_s_tags_stand_alone():
  # Bare tags: first char is the prefix, the whole tag the type. NOUN NOUN is one chunk;
  # SCONJ / SYM (prefix S) are one chunk per token; INTJ (prefix I) runs merge.
  assert get_entities(['NOUN', 'NOUN', 'SCONJ', 'SCONJ', 'INTJ', 'INTJ', 'SYM']) == [
      ('NOUN', 0, 1), ('SCONJ', 2, 2), ('SCONJ', 3, 3), ('INTJ', 4, 5), ('SYM', 6, 6)]


def test_pos_cconj_vs_sconj_single_token():
  # 0.0.12: types CCONJ and SCONJ differ -> F1 0.
  # seqeval 1.x reads the type after the first char: both 'CONJ' -> it would give 100.
  assert chunk_prf([['CCONJ']], [['SCONJ']])['f1'] == 0.0


def test_pos_where_0_0_12_and_1x_disagree():
  gold = [['CCONJ', 'SCONJ', 'NOUN', 'NOUN']]
  pred = [['SCONJ', 'CCONJ', 'NOUN', 'NOUN']]
  # 0.0.12 by hand: gold CCONJ(0,0) SCONJ(1,1) NOUN(2,3); pred SCONJ(0,0) CCONJ(1,1)
  # NOUN(2,3); only NOUN(2,3) matches: P = R = F1 = 1/3.
  # (seqeval 1.x: gold {CONJ(1,1), OUN(2,3)} since the S restarts the CONJ chunk and drops
  # the one at 0; pred {CONJ(0,0), CONJ(0,1), OUN(2,3)}: P 1/3, R 1/2, F1 40.)
  assert get_entities(gold[0]) == [('CCONJ', 0, 0), ('SCONJ', 1, 1), ('NOUN', 2, 3)]
  r = chunk_prf(gold, pred)
  assert r['precision'] == pytest.approx(100 / 3)
  assert r['recall'] == pytest.approx(100 / 3)
  assert r['f1'] == pytest.approx(100 / 3)


def test_pos_merged_run_changes_counts():
  # Gold ADV ADV is ONE chunk (0,1); pred ADV PRON is two chunks, neither matches it.
  # Gold chunks: ADV(0,1) PUNCT(2,2); pred: ADV(0,0) PRON(1,1) PUNCT(2,2).
  # 1 correct: P 1/3, R 1/2, F1 2/5. (Token accuracy would be 2/3.)
  r = chunk_prf([['ADV', 'ADV', 'PUNCT']], [['ADV', 'PRON', 'PUNCT']])
  assert r['f1'] == pytest.approx(40.0)
  assert r['precision'] == pytest.approx(100 / 3)
  assert r['recall'] == pytest.approx(50.0)


def test_nothing_predicted_is_zero():
  assert chunk_prf([['B-PER']], [['O']]) == {'f1': 0.0, 'precision': 0.0, 'recall': 0.0}

"""The scorer on XTREME's own mock submission (../shared/realdata/xtreme_mock).

Expected averages were derived without this code:
- xnli / pawsx / tatoeba: matching lines counted with `paste labels preds | awk '$1==$2'`:
  46 of 150, 36 of 70, 193 of 360 (10 lines per language, so the mean over languages equals
  the pooled ratio).
- bucc2018: `comm -12` of the sorted pair files: 5, 5, 5, 7 of 10 gold and 10 predicted pairs
  per language -> P = R = F1 = 50, 50, 50, 70 -> mean 55.
- xquad (2 questions x 11 languages): 7 languages all exact; es q2 is a 21-token answer
  containing '136' (F1 1/11); th and tr q2 wrong; zh '308分' vs '308' (one token each, 0) and
  '136 次擒杀' vs '136 次' (F1 1/2). EM = 850/11, F1 = (700 + 100*(1+1/11)/2 + 50 + 50 + 25)/11.
- mlqa: ar, hi, vi, zh exact; de '3050 und 3350' of 4 tokens (F1 6/7); en 3 of 7 tokens (F1
  3/5); es 2 of 13 tokens after dropping 'unas'/'un' (F1 4/15); EM 400/7.
- tydiqa: 8 of 9 exact; id 'orangorang viking dari' vs 5 tokens (F1 3/4).
- udpos / panx: a separate throwaway script with the chunk rules in words (POS: runs of one
  tag, S-tags single; NER: B-X or a non-continuing I-X starts a chunk) gave 70.21746048 and
  57.50793651, and the same value for every language; de worked by hand below.
"""

import json
import os
import subprocess
import sys

import pytest

from xstilts_jax.eval.score import score_dirs

EXPECTED = {
  'xnli': 100 * 46 / 150,
  'pawsx': 100 * 36 / 70,
  'udpos': 70.21746048354693,
  'panx': 57.50793650793652,
  'xquad': (850 / 11 + (700 + 100 * (1 + 1 / 11) / 2 + 50 + 50 + 25) / 11) / 2,
  'mlqa': (100 * 4 / 7 + 100 * (4 + 6 / 7 + 3 / 5 + 4 / 15) / 7) / 2,
  'tydiqa': (100 * 8 / 9 + 100 * (8 + 3 / 4) / 9) / 2,
  'bucc2018': 55.0,
  'tatoeba': 100 * 193 / 360,
}


@pytest.fixture(scope='module')
def mock(real_data_dir):
  root = os.path.join(real_data_dir, 'xtreme_mock')
  return os.path.join(root, 'predictions'), os.path.join(root, 'labels')


@pytest.fixture(scope='module')
def scores(mock):
  return score_dirs(*mock)


def test_nine_task_averages(scores):
  assert set(scores['tasks']) == set(EXPECTED)
  for task, value in EXPECTED.items():
    assert scores['tasks'][task]['score'] == pytest.approx(value, abs=1e-6), task


def test_qa_metrics_separately(scores):
  xquad = scores['tasks']['xquad']['avg']
  assert xquad['exact_match'] == pytest.approx(850 / 11)
  assert scores['tasks']['mlqa']['langs']['es']['f1'] == pytest.approx(100 * 4 / 15)
  assert scores['tasks']['tydiqa']['langs']['id']['f1'] == pytest.approx(75.0)


def test_tagging_by_hand(scores):
  # udpos de: sentence 1 has 12 one-token chunks, 3 mistagged; sentence 2 has 28 tokens with
  # one ADV ADV run (27 chunks), 4 mistagged -> 32 of 39 on both sides.
  assert scores['tasks']['udpos']['langs']['de']['f1'] == pytest.approx(100 * 32 / 39)
  assert scores['tasks']['panx']['langs']['de']['f1'] == pytest.approx(400 / 7)
  assert scores['tasks']['udpos']['langs']['en']['f1'] == 100.0


def test_overall_and_categories(scores):
  assert scores['xtreme_score'] == pytest.approx(sum(EXPECTED.values()) / 9)
  cats = scores['categories']
  assert cats['classification'] == pytest.approx((EXPECTED['xnli'] + EXPECTED['pawsx']) / 2)
  assert cats['sentence retrieval'] == pytest.approx(
      (EXPECTED['bucc2018'] + EXPECTED['tatoeba']) / 2)
  assert cats['question answering'] == pytest.approx(
      (EXPECTED['xquad'] + EXPECTED['mlqa'] + EXPECTED['tydiqa']) / 3)
  assert scores['missing'] == [] and scores['xtreme_score_reason'] is None
  assert scores['ignored'] == ['mewslix']  # Mewsli-X is not one of the nine tasks


def test_cli_subprocess(mock, tmp_path):
  out = tmp_path / 'scores.json'
  proc = subprocess.run(
      [sys.executable, '-m', 'xstilts_jax.eval.score', '--predictions', mock[0],
       '--labels', mock[1], '--output', str(out)],
      capture_output=True, text=True, timeout=60,
      cwd=os.path.join(os.path.dirname(__file__), '..', '..'))
  assert proc.returncode == 0, proc.stderr
  printed = json.loads(proc.stdout)
  assert printed['xtreme_score'] == pytest.approx(sum(EXPECTED.values()) / 9)
  assert json.loads(out.read_text()) == printed
  assert printed['tasks']['tatoeba']['avg']['accuracy'] == pytest.approx(EXPECTED['tatoeba'])


def test_missing_task_and_language(mock, tmp_path):
  preds = tmp_path / 'preds'
  subprocess.run(['cp', '-r', mock[0], str(preds)], check=True)
  subprocess.run(['rm', '-r', str(preds / 'tydiqa'), str(preds / 'udpos' / 'test-fr.tsv')],
                 check=True)
  s = score_dirs(str(preds), mock[1])
  assert 'tydiqa' not in s['tasks']
  assert s['missing'] == ['udpos/fr', 'tydiqa']
  assert s['xtreme_score'] is None and 'tydiqa' in s['xtreme_score_reason']
  assert s['tasks']['udpos']['avg'] is None and s['tasks']['udpos']['missing_langs'] == ['fr']
  assert s['categories']['question answering'] is None
  assert s['categories']['structured prediction'] is None
  assert s['categories']['classification'] == pytest.approx(
      (EXPECTED['xnli'] + EXPECTED['pawsx']) / 2)

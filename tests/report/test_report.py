"""Report tables, summaries, plots and run comparison on a small hand-made scores dict."""

import csv
import json
import os

import pytest

from xstilts_jax.report import compare_runs, summarize, write_report


def _scores(xnli_shift=0.0):
  """Two tasks: XNLI (en 90, de 80, zh 70 + shift) and BUCC (no English), like score.py."""
  xnli = {'en': 90.0, 'de': 80.0, 'zh': 70.0 + xnli_shift}
  bucc = {'de': {'f1': 60.0, 'precision': 50.0, 'recall': 75.0},
          'fr': {'f1': 40.0, 'precision': 40.0, 'recall': 40.0}}
  xnli_avg = sum(xnli.values()) / 3
  return {
    'tasks': {
      'xnli': {'avg': {'accuracy': xnli_avg}, 'score': xnli_avg,
               'langs': {l: {'accuracy': v} for l, v in xnli.items()}, 'missing_langs': []},
      'xquad': {'avg': {'f1': 80.0, 'exact_match': 60.0}, 'score': 70.0,
                'langs': {'en': {'f1': 80.0, 'exact_match': 60.0}}, 'missing_langs': []},
      'bucc2018': {'avg': {'f1': 50.0, 'precision': 45.0, 'recall': 57.5}, 'score': 50.0,
                   'langs': bucc, 'missing_langs': []},
    },
    'categories': {'classification': None, 'sentence retrieval': None},
    'xtreme_score': None, 'xtreme_score_reason': 'not all nine tasks are complete',
    'missing': ['pawsx'],
  }


def test_summary_gap_std_worst():
  s = summarize(_scores())
  # XNLI: en 90 minus mean(80, 70) = 15; population std of (90, 80, 70) = sqrt(200/3).
  assert s['xnli']['transfer_gap'] == pytest.approx(15.0)
  assert s['xnli']['std'] == pytest.approx((200 / 3) ** 0.5)
  assert (s['xnli']['worst_lang'], s['xnli']['worst']) == ('zh', 70.0)
  # QA per-language value is (EM + F1) / 2; only English -> no gap.
  assert s['xquad']['en'] == 70.0 and s['xquad']['transfer_gap'] is None
  # BUCC has no English: no gap; F1 is its number.
  assert s['bucc2018']['transfer_gap'] is None
  assert (s['bucc2018']['worst_lang'], s['bucc2018']['std']) == ('fr', 10.0)


def test_write_report_files(tmp_path):
  paths = write_report(_scores(), str(tmp_path))
  md = open(paths['markdown'], encoding='utf-8').read()
  assert '**XTREME score: –**' in md and 'not all nine tasks are complete' in md
  assert '| xnli | 80.00 | 90.00 | 15.00 | 8.16 | zh (70.00) |' in md
  assert '| accuracy | 80.00 | 90.00 | 80.00 | 70.00 |' in md
  assert 'Missing: pawsx' in md
  rows = list(csv.DictReader(open(paths['csv'])))
  assert {'task': 'xnli', 'lang': 'zh', 'metric': 'accuracy', 'value': '70.0'} in rows
  assert {'task': 'bucc2018', 'lang': 'avg', 'metric': 'recall', 'value': '57.5'} in rows
  summary = {r['name']: r for r in csv.DictReader(open(paths['summary_csv']))}
  assert float(summary['xnli']['transfer_gap']) == pytest.approx(15.0)
  assert summary['bucc2018']['transfer_gap'] == ''
  assert summary['xtreme_score']['score'] == ''
  assert json.load(open(paths['json'])) == _scores()
  for task in ('xnli', 'xquad', 'bucc2018'):
    png = paths[f'{task}_languages.png']
    assert open(png, 'rb').read(8) == b'\x89PNG\r\n\x1a\n' and os.path.getsize(png) > 1000


def test_compare_runs(tmp_path):
  runs = {'xlmr': _scores(), 'mnli': _scores(xnli_shift=6.0), 'squad': _scores(-3.0)}
  out = compare_runs(runs, baseline='xlmr', out_dir=str(tmp_path))
  assert out['rows'] == ['mnli', 'squad']
  assert out['columns'] == ['xnli', 'xquad', 'bucc2018', 'xtreme']
  # zh +6 moves the 3-language XNLI mean by 2.
  assert out['delta']['mnli']['xnli'] == pytest.approx(2.0)
  assert out['delta']['squad']['xnli'] == pytest.approx(-1.0)
  assert out['delta']['mnli']['xquad'] == 0.0
  assert out['delta']['mnli']['xtreme'] is None  # no XTREME score on either side
  rows = {r['run']: r for r in csv.DictReader(open(tmp_path / 'comparison.csv'))}
  assert float(rows['mnli']['delta_xnli']) == pytest.approx(2.0)
  assert rows['xlmr']['delta_xnli'] == ''
  assert open(tmp_path / 'improvement_heatmap.png', 'rb').read(4) == b'\x89PNG'


def test_compare_runs_unknown_baseline():
  with pytest.raises(ValueError, match='baseline'):
    compare_runs({'a': _scores()}, baseline='b')

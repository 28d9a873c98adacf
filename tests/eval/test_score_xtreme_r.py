"""The scorer in XTREME-R mode (`--benchmark xtreme-r`) on XTREME's mock submission, and its
refusals for XCOPA, Mewsli-X and LAReQA files.

Expected values are derived here without the scorer: label lines compared one by one,
Mewsli-X's reciprocal rank found by list.index, the QA and tagging numbers of the mock as
`test_score_mock.py` derives them (by hand: de exact on both XQuAD questions, de F1 32/39 on
UD-POS and 4/7 on PAN-X; the XTREME means of UD-POS and PAN-X from its throwaway script).
Mewsli-X's average is also the number the official repository's own `evaluate_test.py`
expects for this mock (14.39025156130419).

Checked once against the official scorer (google-research/xtreme evaluate.py at 838c13b,
seqeval 0.0.12, `--xtreme_version xtreme-r`) on the complete submission without LAReQA, which
it cannot score: all nine task averages agree within 3e-14.

The mock holds XTREME's languages only, so in XTREME-R mode four tasks lack languages and two
(XCOPA, LAReQA) have no files: `complete` builds a full XTREME-R submission from it by giving
each missing language a copy of German's files and adding hand-made XCOPA and LAReQA files.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from xstilts_jax.eval import submission
from xstilts_jax.eval.score import score_dirs
from xstilts_jax.eval.submission import SubmissionError
from xstilts_jax.tasks import languages

R = languages.XTREME_R
MEWSLIX_OFFICIAL = 14.39025156130419  # google-research/xtreme evaluate_test.py


@pytest.fixture(scope='module')
def mock(real_data_dir):
  root = os.path.join(real_data_dir, 'xtreme_mock')
  return os.path.join(root, 'predictions'), os.path.join(root, 'labels')


@pytest.fixture(scope='module')
def scores(mock):
  return score_dirs(*mock, benchmark='xtreme-r')


def _lines(path):
  with open(path, encoding='utf-8') as f:
    return [l.strip() for l in f]


def _accuracy(mock, task, lang):
  gold = _lines(os.path.join(mock[1], task, f'test-{lang}.tsv'))
  pred = _lines(os.path.join(mock[0], task, f'test-{lang}.tsv'))
  return 100 * sum(g == p for g, p in zip(gold, pred)) / len(gold)


def _reciprocal_rank(mock, lang):
  gold = json.load(open(os.path.join(mock[1], 'mewslix', f'test-{lang}.json')))
  pred = json.load(open(os.path.join(mock[0], 'mewslix', f'test-{lang}.json')))
  rr = [1 / (pred[q][:20].index(g) + 1) if g in pred[q][:20] else 0 for q, (g,) in gold.items()]
  return 100 * sum(rr) / len(rr)


# XTREME's mock, by hand (see test_score_mock.py): QA per language and in total.
MLQA = (100 * 4 / 7 + 100 * (4 + 6 / 7 + 3 / 5 + 4 / 15) / 7) / 2
TYDIQA = (100 * 8 / 9 + 100 * (8 + 3 / 4) / 9) / 2
XQUAD_EM_SUM, XQUAD_F1_SUM = 850, 700 + 100 * (1 + 1 / 11) / 2 + 50 + 50 + 25  # 11 languages
UDPOS_F1, PANX_F1 = 70.21746048354693, 57.50793650793652  # means over XTREME's languages
UDPOS_DE, PANX_DE = 100 * 32 / 39, 400 / 7


def test_mock_task_averages(mock, scores):
  tasks = scores['tasks']
  assert scores['benchmark'] == 'xtreme-r'
  assert tasks['xnli']['score'] == pytest.approx(
      sum(_accuracy(mock, 'xnli', l) for l in R['xnli']) / 15)
  assert tasks['mlqa']['score'] == pytest.approx(MLQA)
  assert tasks['tydiqa']['score'] == pytest.approx(TYDIQA)
  mewslix = sum(_reciprocal_rank(mock, l) for l in R['mewslix']) / 11
  assert tasks['mewslix']['avg'] == {'map@20': pytest.approx(mewslix)}
  assert mewslix == pytest.approx(MEWSLIX_OFFICIAL, abs=1e-9)
  assert tasks['mewslix']['langs']['ar'] == {'map@20': pytest.approx(_reciprocal_rank(mock, 'ar'))}


def test_mock_incomplete_tasks_get_no_average(scores):
  tasks = scores['tasks']
  for task, added in (('udpos', 'lt pl ro uk wo'), ('panx', 'az gu lt pa pl qu ro uk'),
                      ('xquad', 'ro'), ('tatoeba', 'az lt pl ro uk')):
    assert tasks[task]['missing_langs'] == added.split(), task
    assert tasks[task]['avg'] is None and tasks[task]['score'] is None
  assert tasks['udpos']['langs']['de']['f1'] == pytest.approx(UDPOS_DE)
  assert 'xcopa' in scores['missing'] and 'lareqa' in scores['missing']
  assert 'xquad/ro' in scores['missing']
  assert scores['xtreme_score'] is None and 'ten tasks' in scores['xtreme_score_reason']
  assert scores['categories'] == {'classification': None, 'structured prediction': None,
                                  'question answering': None, 'retrieval': None}
  assert scores['ignored'] == ['bucc2018', 'pawsx']  # not XTREME-R tasks


# ------------------------------------------------------------------ a complete submission

XCOPA_GOLD = [0, 1, 1, 0, 1]


def _xcopa_pred(i):
  """Language i predicts the gold with its first i % 5 answers flipped."""
  return [1 - g if k < i % 5 else g for k, g in enumerate(XCOPA_GOLD)]


def _lareqa():
  """Two questions with one gold answer sentence per XQuAD-R language (11): q1 ranks the
  eleven first; q2 puts them at ranks 1, 3, 5, ... behind a distractor each (10 in the top
  20). Returns (gold, predictions, expected mAP@20 in percent)."""
  golds = {q: [f'{q}-{l}' for l in R['lareqa']] for q in ('q1', 'q2')}
  q2 = [x for g in golds['q2'] for x in (g, f'distractor-{g}')]
  predictions = {'q1': golds['q1'] + ['distractor'], 'q2': q2}
  ap_q2 = sum(i / (2 * i - 1) for i in range(1, 11)) / 11
  return golds, predictions, 100 * (1 + ap_q2) / 2


@pytest.fixture(scope='module')
def complete(mock, tmp_path_factory):
  root = tmp_path_factory.mktemp('xtreme_r')
  for side in ('predictions', 'labels'):
    src = mock[0] if side == 'predictions' else mock[1]
    for task in ('xnli', 'udpos', 'panx', 'xquad', 'mlqa', 'tydiqa', 'tatoeba', 'mewslix'):
      shutil.copytree(os.path.join(src, task), root / side / task)
      suffix = 'json' if task in ('xquad', 'mlqa', 'tydiqa', 'mewslix') else 'tsv'
      for lang in R[task]:
        path = root / side / task / f'test-{lang}.{suffix}'
        if not path.exists():
          shutil.copy(root / side / task / f'test-de.{suffix}', path)
  golds, predictions, _ = _lareqa()
  for i, lang in enumerate(R['xcopa']):
    submission.write_labels(str(root / 'labels'), 'xcopa', lang, XCOPA_GOLD, 'xtreme-r')
    submission.write_predictions(str(root / 'predictions'), 'xcopa', lang, _xcopa_pred(i),
                                 'xtreme-r')
  for lang in R['lareqa']:
    submission.write_labels(str(root / 'labels'), 'lareqa', lang, golds, 'xtreme-r')
    submission.write_predictions(str(root / 'predictions'), 'lareqa', lang, predictions,
                                 'xtreme-r')
  return root / 'predictions', root / 'labels'


def test_complete_submission_scores_every_task_category_and_overall(mock, complete):
  s = score_dirs(*map(str, complete), benchmark='xtreme-r')
  de = lambda task, extra: extra * _accuracy(mock, task, 'de')
  expected = {
    'xnli': sum(_accuracy(mock, 'xnli', l) for l in R['xnli']) / 15,
    'xcopa': sum(100 * (5 - i % 5) / 5 for i in range(11)) / 11,
    'udpos': (33 * UDPOS_F1 + 5 * UDPOS_DE) / 38,
    'panx': (40 * PANX_F1 + 8 * PANX_DE) / 48,
    # ro is German's copy: both questions exact.
    'xquad': ((XQUAD_EM_SUM + 100) / 12 + (XQUAD_F1_SUM + 100) / 12) / 2,
    'mlqa': MLQA,
    'tydiqa': TYDIQA,
    'tatoeba': (sum(_accuracy(mock, 'tatoeba', l) for l in languages.TATOEBA)
                + de('tatoeba', 5)) / 41,
    'mewslix': MEWSLIX_OFFICIAL,
    'lareqa': _lareqa()[2],
  }
  assert s['missing'] == [] and s['warnings'] == []
  for task, value in expected.items():
    assert s['tasks'][task]['score'] == pytest.approx(value, abs=1e-9), task
  assert s['tasks']['lareqa']['avg'] == {'map@20': pytest.approx(expected['lareqa'])}
  assert s['tasks']['xcopa']['langs']['ht'] == {'accuracy': 80.0}
  mean = lambda *ts: sum(expected[t] for t in ts) / len(ts)
  assert s['categories'] == pytest.approx({
      'classification': mean('xnli', 'xcopa'),
      'structured prediction': mean('udpos', 'panx'),
      'question answering': mean('xquad', 'mlqa', 'tydiqa'),
      'retrieval': mean('tatoeba', 'mewslix', 'lareqa')})
  # Each task counted once (XCOPA too): the mean over the ten tasks.
  assert s['xtreme_score'] == pytest.approx(sum(expected.values()) / 10)
  assert s['xtreme_score_reason'] is None


def test_cli_benchmark_flag(complete, tmp_path):
  out = tmp_path / 'scores.json'
  proc = subprocess.run(
      [sys.executable, '-m', 'xstilts_jax.eval.score', '--benchmark', 'xtreme-r',
       '--predictions', str(complete[0]), '--labels', str(complete[1]), '--output', str(out)],
      capture_output=True, text=True, timeout=60,
      cwd=os.path.join(os.path.dirname(__file__), '..', '..'))
  assert proc.returncode == 0, proc.stderr
  printed = json.loads(proc.stdout)
  assert printed == json.loads(out.read_text())
  assert printed == json.loads(json.dumps(score_dirs(*map(str, complete), 'xtreme-r')))


def test_missing_ranking_scores_zero_with_a_warning(complete, tmp_path):
  preds = tmp_path / 'p'
  shutil.copytree(complete[0] / 'lareqa', preds / 'lareqa')
  path = preds / 'lareqa' / 'test-de.json'
  path.write_text(json.dumps({'q1': _lareqa()[1]['q1']}))
  s = score_dirs(str(preds), str(complete[1]), 'xtreme-r')
  assert s['tasks']['lareqa']['langs']['de'] == {'map@20': 50.0}
  assert s['warnings'] == [f'{path}: 1 of 2 queries without a ranking (scored 0, as the '
                           'official scorer does)']


# ------------------------------------------------------------------ refusals

def _pair(tmp_path, task, pred_text, gold_text, suffix='json', lang='de'):
  paths = []
  for side, text in (('p', pred_text), ('l', gold_text)):
    path = tmp_path / side / task / f'test-{lang}.{suffix}'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')
    paths.append(str(path))
  return paths


GOLD_MEWSLIX = '{"m1": ["Q1"],\n "m2": ["Q2"]}'


@pytest.mark.parametrize('task,pred,gold,message', [
    ('mewslix', '{"m1": ["Q1"],\n "m9": ["Q2"]}', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json:2: query id 'm9' is not a query of .*l/mewslix/test-de.json"),
    ('mewslix', '{"m1": ["Q1"],\n "m1": ["Q2"]}', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json:2: query id 'm1' repeats line 1; expected each id once"),
    ('mewslix', '{"m1": ["Q1", "Q3", "Q1"]}', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json:1: candidate 'Q1' is listed twice for query 'm1'"),
    ('mewslix', '{"m1": "Q1"}', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json:1: query 'm1' has a str; expected a list of candidate id"),
    ('mewslix', '{"m1": [1, 2]}', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json:1: query 'm1' has a list; expected a list of candidate id"),
    ('mewslix', '{"m1": ["Q1"]}', '{"m1": ["Q1", "Q2"]}',
     r"l/mewslix/test-de.json:1: query 'm1' has 2 gold entities; expected one"),
    ('mewslix', '[["Q1"]]', GOLD_MEWSLIX,
     r"p/mewslix/test-de.json: expected a JSON object \{query id: \[candidate ids\]\}"),
    ('lareqa', '{}', '{}', r"l/lareqa/test-de.json: no queries; expected"),
    ('lareqa', '{}', '{"q1": []}', r"l/lareqa/test-de.json:1: query 'q1' has no gold id"),
    ('lareqa', '{"q1": [" a"]}', '{"q1": ["a"]}',
     r"p/lareqa/test-de.json:1: query 'q1' has a list; expected .*no surrounding whitespace"),
    ('xcopa', '{"label": 0}\n{"label": "1"}\n', '{"label": 0}\n{"label": 1}\n',
     r"p/xcopa/test-et.jsonl:2: label '1'; expected the index of an alternative, one of \[0, 1\]"),
    ('xcopa', '{"label": 0}\n{"label": true}\n', '{"label": 0}\n{"label": 1}\n',
     r"p/xcopa/test-et.jsonl:2: label True"),
    ('xcopa', '{"label": 0}\n\n', '{"label": 0}\n{"label": 1}\n',
     r"p/xcopa/test-et.jsonl:2: empty line"),
    ('xcopa', '{"label": 0}\n{"choice": 1}\n', '{"label": 0}\n{"label": 1}\n',
     r'p/xcopa/test-et.jsonl:2: expected a JSON object with a "label"'),
    ('xcopa', '{"label": 0}\n', '{"label": 0}\n{"label": 1}\n',
     r"p/xcopa/test-et.jsonl: 1 lines but .*l/xcopa/test-et.jsonl has 2; the first unmatched "
     r"one is at .*l/xcopa/test-et.jsonl:2"),
    ('xcopa', '{"idx": 1, "label": 0}\n{"idx": 3, "label": 1}\n',
     '{"idx": 1, "label": 0}\n{"idx": 2, "label": 1}\n',
     r"p/xcopa/test-et.jsonl:2: example idx 3 but line 2 of .*l/xcopa/test-et.jsonl is idx 2"),
    ('xcopa', '', '', r"l/xcopa/test-et.jsonl: empty; expected one JSON object"),
])
def test_xtreme_r_refusals(tmp_path, task, pred, gold, message):
  suffix, lang = ('jsonl', 'et') if task == 'xcopa' else ('json', 'de')
  _pair(tmp_path, task, pred, gold, suffix, lang)
  with pytest.raises(SubmissionError, match=message):
    score_dirs(str(tmp_path / 'p'), str(tmp_path / 'l'), 'xtreme-r')


def test_xcopa_raw_gold_records_are_read(tmp_path):
  # The gold file may be XCOPA's own test jsonl (premise, choices, question, label, idx).
  gold = [{'premise': 'x', 'choice1': 'a', 'choice2': 'b', 'question': 'cause', 'label': l,
           'idx': i + 1, 'changed': False} for i, l in enumerate([1, 0, 0, 1])]
  _pair(tmp_path, 'xcopa', '', '\n'.join(map(json.dumps, gold)) + '\n', 'jsonl', 'qu')
  submission.write_predictions(str(tmp_path / 'p'), 'xcopa', 'qu', [1, 0, 1, 1], 'xtreme-r')
  s = score_dirs(str(tmp_path / 'p'), str(tmp_path / 'l'), 'xtreme-r')
  assert s['tasks']['xcopa']['langs'] == {'qu': {'accuracy': 75.0}}
  assert s['tasks']['xcopa']['missing_langs'] == [l for l in R['xcopa'] if l != 'qu']


def test_writer_refuses_bad_rankings_and_xtreme_r_tasks_need_the_benchmark(tmp_path):
  d = str(tmp_path)
  with pytest.raises(ValueError, match=r"unknown XTREME task 'mewslix'.*benchmark='xtreme-r'"):
    submission.write_predictions(d, 'mewslix', 'de', {'m1': ['Q1']})
  with pytest.raises(ValueError, match=r"unknown XTREME-R task 'pawsx'"):
    submission.write_predictions(d, 'pawsx', 'de', [0], 'xtreme-r')
  with pytest.raises(SubmissionError, match='repeat a candidate'):
    submission.write_predictions(d, 'lareqa', 'de', {'q': ['a', 'a']}, 'xtreme-r')
  with pytest.raises(SubmissionError, match='non-empty list of str'):
    submission.write_predictions(d, 'lareqa', 'de', {'q': 'a'}, 'xtreme-r')
  with pytest.raises(SubmissionError, match='exactly one gold entity'):
    submission.write_labels(d, 'mewslix', 'de', {'m': ['Q1', 'Q2']}, 'xtreme-r')
  with pytest.raises(SubmissionError, match=r'xcopa prediction 1: expected the index'):
    submission.write_predictions(d, 'xcopa', 'et', [0, 2], 'xtreme-r')
  path = submission.write_predictions(d, 'mewslix', 'de', {'m1': ['Q2', 'Q1']}, 'xtreme-r')
  assert path == os.path.join(d, 'mewslix', 'test-de.json')
  assert json.load(open(path)) == {'m1': ['Q2', 'Q1']}
  path = submission.write_predictions(d, 'xcopa', 'et', [0, 1], 'xtreme-r')
  assert open(path).read() == '{"label": 0}\n{"label": 1}\n'

"""The scorer refuses what google-research/xtreme's evaluate.py would mis-score, with one line
naming the file and record, and warns on what it tolerates as that scorer does.

The official scorer (evaluate.py, third_party/evaluate_squad.py) compares Tatoeba indices as
strings (so '01', '١' or an index past the English side silently score 0), ignores QA ids
that are not gold questions, keeps the last of repeated JSON keys, scores an empty BUCC file
0 and lists a folder where a file should be as nothing at all.
"""

import os
import shutil

import pytest

from xstilts_jax.eval import submission
from xstilts_jax.eval.score import score_dirs
from xstilts_jax.eval.submission import SubmissionError
from xstilts_jax.tasks import languages


@pytest.fixture
def copy_mock(real_data_dir, tmp_path):
  """copy_mock(task): a copy of one task of XTREME's mock submission -> (predictions, labels)
  folders (one task keeps each scoring fast)."""
  def copy(task):
    root = tmp_path / 'mock'
    for side in ('predictions', 'labels'):
      shutil.copytree(os.path.join(real_data_dir, 'xtreme_mock', side, task), root / side / task)
    return root / 'predictions', root / 'labels'
  return copy


def _score(mock):
  return score_dirs(str(mock[0]), str(mock[1]))


def _set_line(path, lineno, text):
  lines = path.read_text(encoding='utf-8').split('\n')
  lines[lineno - 1] = text
  path.write_text('\n'.join(lines), encoding='utf-8')


# ------------------------------------------------------------------ Tatoeba indices

def test_mock_tatoeba_indices_are_in_range(copy_mock):
  mock = copy_mock('tatoeba')
  scores = _score(mock)  # no error: the real bounds admit the official mock
  assert sorted(scores['tasks']['tatoeba']['langs']) == sorted(languages.TATOEBA)


@pytest.mark.parametrize('index', ['205', '9999'])
def test_tatoeba_index_past_the_english_side_is_refused(copy_mock, index):
  mock = copy_mock('tatoeba')
  _set_line(mock[0] / 'tatoeba/test-jv.tsv', 2, index)  # jv has 205 English sentences
  with pytest.raises(SubmissionError, match=rf'predictions/tatoeba/test-jv.tsv:2: sentence index '
                                            rf'{index} out of range; expected 0 to 204'):
    _score(mock)


def test_tatoeba_gold_index_out_of_range_is_refused(copy_mock):
  mock = copy_mock('tatoeba')
  _set_line(mock[1] / 'tatoeba/test-jv.tsv', 3, '300')
  with pytest.raises(SubmissionError, match=r'labels/tatoeba/test-jv.tsv:3: sentence index 300'):
    _score(mock)


@pytest.mark.parametrize('index', ['١٢', '０', '07', '3.0'])
def test_tatoeba_index_not_a_plain_decimal_is_refused(copy_mock, index):
  mock = copy_mock('tatoeba')
  _set_line(mock[0] / 'tatoeba/test-de.tsv', 4, index)
  with pytest.raises(SubmissionError, match=r'predictions/tatoeba/test-de.tsv:4: sentence index '
                                            r'.*; expected a decimal integer in ASCII digits'):
    _score(mock)


# ------------------------------------------------------------------ QA ids

def test_unknown_qa_id_is_refused(copy_mock):
  mock = copy_mock('xquad')
  path = mock[0] / 'xquad/test-de.json'
  path.write_text(path.read_text(encoding='utf-8').replace('{', '{\n  "no-such-id": "x",', 1),
                  encoding='utf-8')
  with pytest.raises(SubmissionError, match=r"predictions/xquad/test-de.json:2: question id "
                                            r"'no-such-id' is not a question of .*labels/xquad/"
                                            r"test-de.json; expected"):
    _score(mock)


def test_duplicate_qa_id_in_predictions_is_refused(copy_mock):
  mock = copy_mock('mlqa')
  path = mock[0] / 'mlqa/test-de.json'
  text = path.read_text(encoding='utf-8')
  qid = next(iter(submission.read_qa_predictions(str(path))))
  path.write_text(text.replace('{', '{\n  "%s": "first",' % qid, 1), encoding='utf-8')
  with pytest.raises(SubmissionError, match=rf"predictions/mlqa/test-de.json:\d+: question id "
                                            rf"'{qid}' repeats line 2; expected each id once"):
    _score(mock)


def test_duplicate_qa_id_in_labels_is_refused(tmp_path):
  qa = '{"id": "q1", "answers": [{"text": "x", "answer_start": 0}]}'
  labels = tmp_path / 'l.json'
  labels.write_text('{"data": [{"paragraphs": [{"context": "x", "qas": [%s, %s]}]}]}' % (qa, qa))
  preds = tmp_path / 'p.json'
  preds.write_text('{"q1": "x"}')
  with pytest.raises(SubmissionError, match=r"l.json: question id 'q1' appears twice"):
    submission.read_pair(str(preds), str(labels), 'tydiqa')


# ------------------------------------------------------------------ BUCC

def test_empty_bucc_gold_file_is_refused(copy_mock):
  mock = copy_mock('bucc2018')
  path = mock[1] / 'bucc2018/test-fr.tsv'
  path.write_text('')
  with pytest.raises(SubmissionError, match=rf'{path}: no pairs; expected one '
                                            r'`<source id>\\t<target id>` per line'):
    _score(mock)


def test_empty_bucc_prediction_file_scores_zero_with_a_warning(copy_mock):
  # Mining at a threshold may keep no pair: a legitimate 0, said in a warning.
  mock = copy_mock('bucc2018')
  path = mock[0] / 'bucc2018/test-fr.tsv'
  path.write_text('')
  scores = _score(mock)
  assert scores['tasks']['bucc2018']['langs']['fr'] == {'f1': 0.0, 'precision': 0.0,
                                                        'recall': 0.0}
  assert scores['warnings'] == [f'{path}: no pairs predicted; scored 0, as the official '
                                'scorer does']


def test_repeated_bucc_pairs_are_counted_in_a_warning(copy_mock):
  mock = copy_mock('bucc2018')
  path = mock[0] / 'bucc2018/test-fr.tsv'
  before = _score(mock)
  first = path.read_text().split('\n')[0]
  with open(path, 'a') as f:
    f.write(first + '\n')
  after = _score(mock)
  assert after['tasks'] == before['tasks'] and before['warnings'] == []
  assert after['warnings'] == [f'{path}:11: 1 repeated pair (first repeats line 1); counted once, as '
                      'the official scorer does']


# ------------------------------------------------------------------ folders and files

def test_folder_where_a_prediction_file_should_be(copy_mock):
  mock = copy_mock('xnli')
  path = mock[0] / 'xnli/test-de.tsv'
  path.unlink()
  path.mkdir()
  with pytest.raises(SubmissionError, match=rf'{path}: a folder; expected a file'):
    _score(mock)


def test_folder_where_a_label_file_should_be(copy_mock):
  mock = copy_mock('pawsx')
  path = mock[1] / 'pawsx/test-fr.tsv'
  path.unlink()
  path.mkdir()
  with pytest.raises(SubmissionError, match=rf'{path}: a folder; expected a file'):
    _score(mock)


def test_file_where_a_task_folder_should_be(copy_mock):
  mock = copy_mock('panx')
  path = mock[0] / 'panx'
  shutil.rmtree(path)
  path.write_text('')
  with pytest.raises(SubmissionError, match=rf'{path}: a file; expected a folder of '
                                            r'test-<lang>.tsv files'):
    _score(mock)


def test_non_utf8_prediction_names_line_and_offset(copy_mock):
  mock = copy_mock('xnli')
  path = mock[0] / 'xnli/test-de.tsv'
  data = path.read_bytes()
  offset = data.index(b'\n') + 1
  path.write_bytes(data[:offset] + b'\xff' + data[offset:])
  with pytest.raises(SubmissionError, match=rf'test-de.tsv:2: invalid UTF-8 byte 0xff at byte '
                                            rf'offset {offset}'):
    _score(mock)


@pytest.mark.parametrize('task,suffix,gold,message', [
    ('xnli', 'tsv', '', r'l/xnli/test-de.tsv: empty; expected one label per line'),
    ('udpos', 'tsv', '', r'l/udpos/test-de.tsv: empty; expected sentences'),
    ('xquad', 'json', '{"data": []}', r'l/xquad/test-de.json: no questions; expected'),
])
def test_empty_gold_file_is_refused_with_its_name(tmp_path, task, suffix, gold, message):
  # evaluate.py divides by zero here; score.py's CLI reports SubmissionErrors in one line
  for side, text in (('p', '{}' if suffix == 'json' else ''), ('l', gold)):
    path = tmp_path / side / task / f'test-de.{suffix}'
    path.parent.mkdir(parents=True)
    path.write_text(text)
  with pytest.raises(SubmissionError, match=message):
    score_dirs(str(tmp_path / 'p'), str(tmp_path / 'l'))

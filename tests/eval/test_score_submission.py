"""Writing predictions in XTREME's layout, reading them back, and clear errors on bad files."""

import json
import os

import pytest

from xstilts_jax.eval import submission
from xstilts_jax.eval.score import main, score_dirs
from xstilts_jax.eval.submission import SubmissionError, write_labels, write_predictions


def _write(path, text):
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with open(path, 'w', encoding='utf-8') as f:
    f.write(text)
  return str(path)


def test_written_files_match_xtreme_formats(tmp_path):
  d = str(tmp_path)
  p = write_predictions(d, 'xnli', 'de', [0, 'neutral', 1])
  assert p == os.path.join(d, 'xnli', 'test-de.tsv')
  assert open(p).read() == 'contradiction\nneutral\nentailment\n'
  p = write_predictions(d, 'udpos', 'de', [['DET', 'NOUN'], ['PUNCT']])
  assert open(p).read() == 'DET\nNOUN\n\nPUNCT\n'
  p = write_predictions(d, 'bucc2018', 'fr', [('fr-1', 'en-2')])
  assert open(p).read() == 'fr-1\ten-2\n'
  p = write_predictions(d, 'tatoeba', 'fr', [3, 0])
  assert open(p).read() == '3\n0\n'
  p = write_predictions(d, 'mlqa', 'zh', {'q1': '电池'})
  assert p.endswith(os.path.join('mlqa', 'test-zh.json'))
  assert json.load(open(p, encoding='utf-8')) == {'q1': '电池'}


def test_writer_rejects_bad_values(tmp_path):
  with pytest.raises(SubmissionError, match='unknown label'):
    write_predictions(str(tmp_path), 'xnli', 'de', ['maybe'])
  with pytest.raises(SubmissionError, match='unknown tag'):
    write_predictions(str(tmp_path), 'panx', 'de', [['B-MISC']])
  with pytest.raises(SubmissionError, match='empty'):
    write_predictions(str(tmp_path), 'udpos', 'de', [['NOUN'], []])
  with pytest.raises(ValueError, match='unknown XTREME task'):
    write_predictions(str(tmp_path), 'xcopa', 'de', [0])


def test_round_trip_scores(tmp_path):
  labels, preds = str(tmp_path / 'labels'), str(tmp_path / 'preds')
  write_predictions(labels, 'pawsx', 'de', ['1', '0', '1', '1'])
  write_predictions(preds, 'pawsx', 'de', [1, 0, 0, 1])
  write_predictions(labels, 'panx', 'en', [['B-PER', 'I-PER', 'O'], ['B-LOC']])
  write_predictions(preds, 'panx', 'en', [['B-PER', 'I-PER', 'O'], ['B-ORG']])
  s = score_dirs(preds, labels)
  assert s['tasks']['pawsx']['langs']['de'] == {'accuracy': 75.0}
  assert s['tasks']['panx']['langs']['en']['f1'] == pytest.approx(50.0)
  # Only de / en present: the averages over the official lists are not defined.
  assert s['tasks']['pawsx']['avg'] is None
  assert 'pawsx/en' in s['missing'] and 'xnli' in s['missing']
  assert s['xtreme_score'] is None


def test_qa_labels_written_as_squad_json_score_the_predictions(tmp_path):
  labels, preds = str(tmp_path / 'labels'), str(tmp_path / 'preds')
  data = [{'title': 't', 'paragraphs': [{'context': 'Das Haus ist rot.', 'qas': [
      {'id': 'q1', 'question': 'Welche Farbe?', 'answers': [
          {'text': 'rot', 'answer_start': 13}, {'text': 'ist rot', 'answer_start': 9}]},
      {'id': 'q2', 'question': 'Was?', 'answers': [{'text': 'Das Haus', 'answer_start': 0}]}]}]}]
  write_labels(labels, 'xquad', 'de', data)
  write_predictions(preds, 'xquad', 'de', {'q1': 'ist rot', 'q2': 'Haus'})
  s = score_dirs(preds, labels)
  # q1 matches its second gold answer exactly. q2: XQuAD uses SQuAD's English normalisation,
  # 'das' is no English article: EM 0, F1 2·(1·½)/(1+½) = 2/3. Means: EM 50, F1 (1 + 2/3)/2.
  result = s['tasks']['xquad']['langs']['de']
  assert result['exact_match'] == 50.0
  assert result['f1'] == pytest.approx(100 * 5 / 6)
  with pytest.raises(SubmissionError, match='SQuAD'):
    write_labels(labels, 'xquad', 'de', {'q1': 'rot'})
  # Non-QA labels are written exactly like predictions.
  p = write_labels(labels, 'xnli', 'de', [2, 'entailment'])
  assert open(p).read() == 'neutral\nentailment\n'


def _pair(tmp_path, task, lang, labels, preds):
  suffix = 'json' if task in ('xquad', 'mlqa', 'tydiqa') else 'tsv'
  lp = _write(tmp_path / 'l' / task / f'test-{lang}.{suffix}', labels)
  pp = _write(tmp_path / 'p' / task / f'test-{lang}.{suffix}', preds)
  return pp, lp


@pytest.mark.parametrize('task,labels,preds,message', [
  ('xnli', 'neutral\nentailment\n', 'neutral\n', r'1 lines but .* has 2.*test-de.tsv:2'),
  ('xnli', 'neutral\n', 'neutral\nentailment\n', r'2 lines but .* has 1.*p/xnli/test-de.tsv:2'),
  ('xnli', 'neutral\nentailment\n', 'neutral\nyes\n', r'p/xnli/test-de.tsv:2: unknown label'),
  ('pawsx', '0\n1\n', '0\t1\n1\n', r'p/pawsx/test-de.tsv:1: expected one column'),
  ('tatoeba', '1\n2\n', '1\nx\n', r"p/tatoeba/test-de.tsv:2: sentence index 'x'; expected a "
   'decimal integer'),
  ('xnli', 'neutral\nentailment\n', 'neutral\n\n', r'p/xnli/test-de.tsv:2: empty line'),
  ('udpos', 'NOUN\nVERB\n\nDET\n', 'NOUN\nVERB\n\nDET\nNOUN\n',
   r'p/udpos/test-de.tsv:4: sentence has 2 tags .*/l/udpos/test-de.tsv:4 has 1'),
  ('udpos', 'NOUN\n\nDET\n', 'NOUN\n', r'1 sentences but .* has 2.*l/udpos/test-de.tsv:3'),
  ('panx', 'O\n', 'B-MISC\n', r'p/panx/test-de.tsv:1: unknown label .B-MISC'),
  ('bucc2018', 'de-1\ten-1\n', 'de-1\ten-1\nde-2 en-2\n', r'p/bucc2018/test-de.tsv:2: expected'),
  ('xquad', '{"data": []}', '{"q1": "a",\n "q2": }', r'p/xquad/test-de.json:2: bad JSON'),
  ('xquad', '{"data": []}', '["a"]', r'p/xquad/test-de.json: expected a JSON object'),
  ('xquad', '{"data": []}', '{"q1": 3}', r"answer for question 'q1' is int"),
])
def test_malformed_files_name_file_and_line(tmp_path, task, labels, preds, message):
  pp, lp = _pair(tmp_path, task, 'de', labels, preds)
  with pytest.raises(SubmissionError, match=message):
    submission.read_pair(pp, lp, task)


def test_cli_reports_malformed_file(tmp_path, capsys):
  _pair(tmp_path, 'xnli', 'de', 'neutral\n', 'nope\n')
  code = main(['--predictions', str(tmp_path / 'p'), '--labels', str(tmp_path / 'l')])
  assert code == 1
  assert 'p/xnli/test-de.tsv:1: unknown label' in capsys.readouterr().err


def test_unanswered_questions_score_zero_with_a_warning(tmp_path):
  gold = {'data': [{'paragraphs': [{'context': 'c', 'qas': [
      {'id': 'a', 'answers': [{'text': 'x', 'answer_start': 0}]},
      {'id': 'b', 'answers': [{'text': 'y', 'answer_start': 0}]}]}]}]}
  _pair(tmp_path, 'tydiqa', 'en', json.dumps(gold), '{"a": "x"}')
  s = score_dirs(str(tmp_path / 'p'), str(tmp_path / 'l'))
  assert s['tasks']['tydiqa']['langs']['en'] == {'exact_match': 50.0, 'f1': 50.0}
  assert any('1 of 2 questions unanswered' in w for w in s['warnings'])


def test_official_language_counts():
  # PROTOCOL.md's language counts per task; averages are taken over exactly these lists.
  from xstilts_jax.eval.xtreme_tasks import TASKS
  counts = {'xnli': 15, 'pawsx': 7, 'udpos': 33, 'panx': 40, 'xquad': 11, 'mlqa': 7,
            'tydiqa': 9, 'bucc2018': 4, 'tatoeba': 36}
  for name, n in counts.items():
    assert len(TASKS[name].langs) == n, name
    assert len(set(TASKS[name].langs)) == n, name

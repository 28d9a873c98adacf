"""The English intermediate tasks: shipped fixtures, hub layouts, and errors on bad input."""

import filecmp
import logging
import os
import shutil
import sys

import datasets
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import hub_layouts  # noqa: E402  (saved hub copies, beside this file)
import intermediate_fixtures  # noqa: E402  (the fixture writer beside this file)
from xstilts_jax.tasks.load import FIXTURES_DIR, load_examples, resolve_task
from xstilts_jax.tasks.readers import glue, snli
from xstilts_jax.tasks.registry import get_task

C, E, N = 0, 1, 2  # our NLI order
INTERMEDIATE = ('mnli', 'qqp', 'snli', 'anli_r1', 'anli_r2', 'anli_r3', 'anli_plus', 'squad_v1',
                'squad_v2', 'hellaswag', 'cosmosqa', 'commonsenseqa', 'ccg')
FIXTURE_DIRS = ('glue', 'snli', 'anli', 'squad', 'hellaswag', 'cosmosqa', 'commonsenseqa', 'ccg')


def test_shipped_fixtures_are_what_the_generator_writes(tmp_path):
  intermediate_fixtures.write_all(str(tmp_path))
  for top in FIXTURE_DIRS:
    for dirpath, _, names in os.walk(tmp_path / top):
      for name in names:
        fresh = os.path.join(dirpath, name)
        shipped = os.path.join(FIXTURES_DIR, os.path.relpath(fresh, tmp_path))
        assert filecmp.cmp(fresh, shipped, shallow=False), shipped


# ------------------------------------------------------------------ registry


def test_registry_entries():
  for name in INTERMEDIATE:
    task = get_task(name)
    assert task.languages == ('en',) and task.local is not None
  for name in ('mnli', 'snli', 'anli_r1', 'anli_plus'):
    assert get_task(name).labels == ('contradiction', 'entailment', 'neutral')
  plus = get_task('anli_plus')
  assert plus.parts == ('anli_r1', 'anli_r2', 'anli_r3', 'mnli', 'snli')
  assert plus.head_name == 'nli' and plus.hub is None
  assert get_task('mnli').hub.splits == {'train': 'train', 'dev': 'validation_matched'}
  assert get_task('hellaswag').num_choices == 4 and get_task('cosmosqa').num_choices == 4
  assert get_task('commonsenseqa').labels == ('A', 'B', 'C', 'D', 'E')
  assert get_task('squad_v1').max_seq_length == get_task('squad_v2').max_seq_length == 384
  assert get_task('ccg').hub is None  # CCGbank is LDC-licensed


# ------------------------------------------------------------------ local fixtures

COUNTS = {
    ('mnli', 'train'): 64, ('mnli', 'dev'): 18, ('qqp', 'train'): 10, ('qqp', 'dev'): 6,
    ('snli', 'train'): 8, ('snli', 'dev'): 6, ('snli', 'test'): 6,
    ('anli_r1', 'train'): 6, ('anli_r2', 'dev'): 5, ('anli_r3', 'test'): 5,
    ('anli_plus', 'train'): 6 * 3 + 64 + 8, ('anli_plus', 'dev'): 5 * 3 + 18 + 6,
    ('squad_v1', 'train'): 8, ('squad_v1', 'dev'): 4, ('squad_v2', 'train'): 11,
    ('squad_v2', 'dev'): 5, ('hellaswag', 'train'): 6, ('hellaswag', 'dev'): 5,
    ('cosmosqa', 'train'): 6, ('cosmosqa', 'dev'): 5, ('commonsenseqa', 'train'): 6,
    ('commonsenseqa', 'dev'): 5, ('ccg', 'train'): 6, ('ccg', 'dev'): 5, ('ccg', 'test'): 5,
}


@pytest.mark.parametrize('name,split', sorted(COUNTS))
def test_fixture_counts_and_unique_guids(name, split):
  examples = load_examples(name, split)
  assert len(examples) == COUNTS[name, split]
  assert len({ex.guid for ex in examples}) == len(examples)


def test_mnli_is_learnable_from_surface_cues():
  for split in ('train', 'dev'):
    examples = load_examples('mnli', split)
    assert {ex.label for ex in examples} == {C, E, N}
    for ex in examples:
      cue = {C: ' did not ', E: 'Yes, ', N: ' probably '}[ex.label]
      assert cue in ex.text_b, ex
  first = load_examples('mnli', 'train')[0]
  assert (first.guid, first.text_a, first.text_b, first.label) == (
      '10000c', 'The man opened the apple in the park.', 'The man did not open the apple.', C)


def test_snli_skips_and_counts_pairs_without_gold_label(caplog):
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    examples = load_examples('snli', 'train')
  assert len(examples) == 8
  assert 'snli_1.0_train.jsonl: skipped 1 no_gold_label; kept 8 records' in caplog.text
  skipped = {}
  path = os.path.join(FIXTURES_DIR, 'snli/snli_1.0/snli_1.0_dev.jsonl')
  assert len(snli.read_snli([path], skipped=skipped)) == 6
  assert skipped == {'no_gold_label': 1}


def test_nli_labels_are_read_in_our_order():
  # ANLI's c/e/n and the spelled-out SNLI/MNLI labels land on the same indices.
  anli = load_examples('anli_r1', 'train')
  raw = [line for line in open(os.path.join(FIXTURES_DIR, 'anli/anli_v1.0/R1/train.jsonl'))]
  assert [ex.label for ex in anli] == [{'"c"': C, '"e"': E, '"n"': N}[
      line.split('"label": ')[1][:3]] for line in raw]
  assert load_examples('qqp', 'train')[0].label == 1  # is_duplicate 1


def test_anli_plus_concatenates_parts_with_prefixed_guids():
  examples = load_examples('anli_plus', 'train')
  prefixes = [ex.guid.split('-')[0] for ex in examples]
  assert prefixes == ['anli_r1'] * 6 + ['anli_r2'] * 6 + ['anli_r3'] * 6 + ['mnli'] * 64 + \
      ['snli'] * 8
  assert examples[18].guid == 'mnli-10000c'


def test_squad_v2_has_unanswerable_questions():
  train = load_examples('squad_v2', 'train')
  assert sum(ex.is_impossible for ex in train) == 3
  assert all(not ex.answers for ex in train if ex.is_impossible)
  dev = load_examples('squad_v1', 'dev')
  assert all(len(ex.answers) >= 1 for ex in dev) and any(len(ex.answers) > 1 for ex in dev)
  for ex in dev:
    for a in ex.answers:
      assert ex.context[a.answer_start:a.answer_start + len(a.text)] == a.text


def test_hellaswag_choices_are_ctx_b_plus_ending():
  examples = load_examples('hellaswag', 'train')
  ex = examples[0]
  assert ex.prompt == 'A man lays two slices of bread on a plate.'
  assert ex.choices[0] == 'he spreads butter on the bread.' and ex.label == 0
  empty_ctx_b = examples[2]  # ctx_b is '' here: the choice is the ending alone
  assert empty_ctx_b.choices[1] == 'He strums the strings and starts to play.'
  assert all(len(ex.choices) == 4 for ex in examples)


def test_cosmosqa_prompt_is_context_then_question():
  ex = load_examples('cosmosqa', 'train')[0]
  assert ex.prompt.endswith('said "nice hat" because my hat was dripping. Why was the hat '
                            'dripping ?')
  assert ex.choices[0] == 'It was raining while I walked .' and ex.label == 0
  assert [e.label for e in load_examples('cosmosqa', 'dev')] == [2, 3, 0, 1, 0]


def test_commonsenseqa_five_choices_labels_a_to_e():
  examples = load_examples('commonsenseqa', 'train')
  assert [ex.label for ex in examples] == [0, 1, 2, 3, 4, 0]
  assert examples[0].prompt == 'Where would you put a cup after washing it?'
  assert examples[0].choices == ('cupboard', 'garden', 'river', 'shoe', 'roof')


def test_ccg_words_and_supertags():
  ex = load_examples('ccg', 'dev')[2]
  assert ex.guid == 'wsj_0001.3'
  assert ex.words == ('A', 'pilot', 'flew', 'the', 'new', 'plane', '.')
  assert ex.labels == ('NP[nb]/N', 'N', '(S[dcl]\\NP)/NP', 'NP[nb]/N', 'N/N', 'N', '.')
  task = get_task('ccg')
  for split in ('train', 'dev', 'test'):
    for ex in load_examples('ccg', split):
      assert set(ex.labels) <= set(task.labels)


def test_ccg_labels_come_from_the_data_dir(tmp_path):
  shutil.copytree(os.path.join(FIXTURES_DIR, 'ccg'), tmp_path / 'ccg')
  (tmp_path / 'ccg' / 'labels.txt').write_text(
      ''.join(f'{t}\n' for t in get_task('ccg').labels + ('S[wq]', 'PP')))
  task = resolve_task('ccg', str(tmp_path))
  assert task.labels[-2:] == ('S[wq]', 'PP') and len(task.labels) == 9
  assert resolve_task('mnli', str(tmp_path)) is get_task('mnli')


def test_ccg_label_builder_cli(tmp_path):
  from xstilts_jax.tasks.readers import ccg
  out = tmp_path / 'labels.txt'
  bank = os.path.join(FIXTURES_DIR, 'ccg', 'ccgbank')
  ccg.main([bank, str(out), '--sections', '02,15,21'])
  train_only = out.read_text().split()
  ccg.main([bank, str(out), '--sections', '00,02,15,21,23'])
  assert out.read_text().split() == list(get_task('ccg').labels)
  assert set(train_only) <= set(get_task('ccg').labels)
  assert train_only[0] == 'N'  # the most frequent tag first


def test_ccg_unescapes_ptb_brackets(tmp_path):
  from xstilts_jax.tasks.readers import ccg
  labels = tmp_path / 'labels.txt'
  labels.write_text('N\nLRB\nRRB\n')
  auto = tmp_path / 'wsj_0101.auto'
  auto.write_text('ID=wsj_0101.1 PARSER=GOLD NUMPARSE=1\n(<T N 0 3> (<L LRB -LRB- -LRB- -LRB- '
                  'LRB>) (<L N NN NN dog N>) (<L RRB -RRB- -RRB- -RRB- RRB>) )\n')
  (ex,) = ccg.read_ccg([[str(labels)], [str(auto)]])
  assert ex.words == ('(', 'dog', ')') and ex.labels == ('LRB', 'N', 'RRB')


# ------------------------------------------------------------------ hub layouts

NLI_HUB = datasets.ClassLabel(names=['entailment', 'neutral', 'contradiction'])


def _save(tmp_path, path, name, splits, features=None):
  """Saves {hub split: rows} as the hub_dir copy of data set `path` config `name`."""
  return hub_layouts.save(tmp_path / 'hub', path, name, splits,
                          datasets.Features(features) if features else None)


def _nli_rows(id_key, id_values, labels):
  return [{'premise': f'premise {i}', 'hypothesis': f'hypothesis {i}', 'label': y, id_key: i}
          for i, y in zip(id_values, labels)]


def test_hub_mnli_maps_label_names_and_skips_no_gold(tmp_path, caplog):
  features = {'premise': datasets.Value('string'), 'hypothesis': datasets.Value('string'),
              'label': NLI_HUB, 'idx': datasets.Value('int32')}
  hub_dir = _save(tmp_path, 'nyu-mll/glue', 'mnli',
                  {'train': _nli_rows('idx', [0, 1, 2, 3], [0, 1, 2, -1]),
                             'validation_matched': _nli_rows('idx', [7], [2])}, features)
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    train = load_examples('mnli', 'train', source='hub', hub_dir=hub_dir)
  assert [(ex.guid, ex.label) for ex in train] == [('0', E), ('1', N), ('2', C)]
  assert train[0].text_a == 'premise 0' and train[0].text_b == 'hypothesis 0'
  assert 'skipped 1 no_gold_label; kept 3 records' in caplog.text
  (dev,) = load_examples('mnli', 'dev', source='hub', hub_dir=hub_dir)
  assert dev.label == C


def test_hub_snli_and_anli(tmp_path):
  rows = [{k: v for k, v in r.items() if k != 'x'} for r in _nli_rows('x', [0, 1], [1, -1])]
  features = {'premise': datasets.Value('string'), 'hypothesis': datasets.Value('string'),
              'label': NLI_HUB}
  hub_dir = _save(tmp_path, 'stanfordnlp/snli', None,
                  {'train': rows, 'validation': rows, 'test': rows}, features)
  (ex,) = load_examples('snli', 'test', source='hub', hub_dir=hub_dir)
  assert (ex.guid, ex.label) == ('0', N)
  features['uid'] = datasets.Value('string')
  features['reason'] = datasets.Value('string')
  rows = [dict(r, reason='') for r in _nli_rows('uid', ['u1', 'u2'], [2, 0])]
  hub_dir = _save(tmp_path, 'facebook/anli', None,
                  {'train_r2': rows, 'dev_r2': rows[:1], 'test_r2': rows},
                  features)
  assert [(ex.guid, ex.label) for ex in load_examples('anli_r2', 'train', source='hub',
                                                      hub_dir=hub_dir)] == [('u1', C), ('u2', E)]
  assert len(load_examples('anli_r2', 'dev', source='hub', hub_dir=hub_dir)) == 1


def test_hub_qqp(tmp_path):
  features = {'question1': datasets.Value('string'), 'question2': datasets.Value('string'),
              'label': datasets.ClassLabel(names=['not_duplicate', 'duplicate']),
              'idx': datasets.Value('int32')}
  rows = [{'question1': 'a?', 'question2': 'b?', 'label': 1, 'idx': 5}]
  hub_dir = _save(tmp_path, 'nyu-mll/glue', 'qqp', {'train': rows, 'validation': rows}, features)
  (ex,) = load_examples('qqp', 'dev', source='hub', hub_dir=hub_dir)
  assert (ex.guid, ex.text_a, ex.text_b, ex.label) == ('5', 'a?', 'b?', 1)


def test_hub_squad_v1_and_v2(tmp_path):
  context = 'The lighthouse was built in 1872 by Thomas Reed.'
  row = {'id': 'q1', 'title': 'Lighthouse', 'context': context, 'question': 'When?',
         'answers': {'text': ['1872', 'in 1872'], 'answer_start': [28, 25]}}
  none = dict(row, id='q2', answers={'text': [], 'answer_start': []})
  hub_dir = _save(tmp_path, 'rajpurkar/squad', None, {'train': [row], 'validation': [row]})
  (ex,) = load_examples('squad_v1', 'train', source='hub', hub_dir=hub_dir)
  assert [a.text for a in ex.answers] == ['1872', 'in 1872'] and not ex.is_impossible
  hub_dir = _save(tmp_path, 'rajpurkar/squad_v2', None,
                  {'train': [row, none], 'validation': [none]})
  examples = load_examples('squad_v2', 'train', source='hub', hub_dir=hub_dir)
  assert [ex.is_impossible for ex in examples] == [False, True]
  # An answer not in its context drops the question (counted; test_hub_grid.py: repairs).
  bad = dict(row, id='q3', answers={'text': ['1873'], 'answer_start': [28]})
  hub_dir = _save(tmp_path / 'bad', 'rajpurkar/squad', None, {'train': [row, bad]})
  assert [ex.guid for ex in load_examples('squad_v1', 'train', source='hub',
                                          hub_dir=hub_dir)] == ['q1']


def test_hub_hellaswag(tmp_path):
  row = {'ind': 4, 'activity_label': 'Cooking', 'ctx_a': 'A man boils water.', 'ctx_b': 'he',
         'ctx': 'A man boils water. he', 'endings': ['adds pasta.', 'b', 'c', 'd'],
         'source_id': 'x', 'split': 'val', 'split_type': 'indomain', 'label': '0'}
  hub_dir = _save(tmp_path, 'Rowan/hellaswag', None,
                  {'train': [row], 'validation': [dict(row, label='3')]})
  (ex,) = load_examples('hellaswag', 'dev', source='hub', hub_dir=hub_dir)
  assert (ex.guid, ex.prompt, ex.choices[0], ex.label) == (
      '4', 'A man boils water.', 'he adds pasta.', 3)


def test_hub_cosmosqa(tmp_path):
  row = {'id': 'c1', 'context': 'It rained.', 'question': 'Why wet?', 'answer0': 'rain',
         'answer1': 'b', 'answer2': 'c', 'answer3': 'd', 'label': 0}
  hub_dir = _save(tmp_path, 'wilburOne/cosmosqa', None, {'train': [row], 'validation': [row]})
  (ex,) = load_examples('cosmosqa', 'train', source='hub', hub_dir=hub_dir)
  assert (ex.prompt, ex.choices, ex.label) == ('It rained. Why wet?', ('rain', 'b', 'c', 'd'), 0)


def test_hub_commonsenseqa(tmp_path):
  row = {'id': 'q', 'question': 'Where are books?', 'question_concept': 'books',
         'choices': {'label': list('ABCDE'), 'text': ['library', 'b', 'c', 'd', 'e']},
         'answerKey': 'A'}
  hub_dir = _save(tmp_path, 'tau/commonsense_qa', None,
                  {'train': [row], 'validation': [dict(row, answerKey='D')]})
  (ex,) = load_examples('commonsenseqa', 'dev', source='hub', hub_dir=hub_dir)
  assert (ex.prompt, ex.choices[0], ex.label) == ('Where are books?', 'library', 3)


def test_hub_label_order_mismatch_is_an_error(tmp_path):
  features = {'premise': datasets.Value('string'), 'hypothesis': datasets.Value('string'),
              'label': datasets.ClassLabel(names=['contradiction', 'entailment', 'neutral']),
              'idx': datasets.Value('int32')}
  hub_dir = _save(tmp_path, 'nyu-mll/glue', 'mnli', {'train': _nli_rows('idx', [0], [0])},
                  features)
  with pytest.raises(ValueError, match=r"nyu-mll/glue mnli train: label names \['contradiction'"):
    load_examples('mnli', 'train', source='hub', hub_dir=hub_dir)


def test_ccg_has_no_hub_source():
  with pytest.raises(ValueError, match="task 'ccg' has no hub source: CCGbank is licensed"):
    load_examples('ccg', 'train', source='hub', hub_dir='/nonexistent')


def test_hub_anli_plus_reads_its_parts(tmp_path):
  features = {'premise': datasets.Value('string'), 'hypothesis': datasets.Value('string'),
              'label': NLI_HUB, 'uid': datasets.Value('string'), 'idx': datasets.Value('int32')}
  anli = {f'{s}_r{r}': [dict(x, idx=0) for x in _nli_rows('uid', [f'r{r}{s}'], [0])]
          for r in (1, 2, 3) for s in ('train', 'dev')}
  _save(tmp_path, 'facebook/anli', None, anli, features)
  glue = {'train': _nli_rows('idx', [7], [2]), 'validation_matched': _nli_rows('idx', [8], [1])}
  _save(tmp_path, 'nyu-mll/glue', 'mnli', glue, {k: v for k, v in features.items() if k != 'uid'})
  snli = [{k: v for k, v in r.items() if k != 'x'} for r in _nli_rows('x', [0], [1])]
  hub_dir = _save(tmp_path, 'stanfordnlp/snli', None, {'train': snli, 'validation': snli},
                  {k: features[k] for k in ('premise', 'hypothesis', 'label')})
  train = load_examples('anli_plus', 'train', source='hub', hub_dir=hub_dir)
  assert [(ex.guid, ex.label) for ex in train] == [
      ('anli_r1-r1train', E), ('anli_r2-r2train', E), ('anli_r3-r3train', E), ('mnli-7', C),
      ('snli-0', N)]


# ------------------------------------------------------------------ errors


def _copy(tmp_path, top):
  shutil.copytree(os.path.join(FIXTURES_DIR, top), tmp_path / top)
  return tmp_path


def _edit(path, old, new):
  text = path.read_text()
  assert old in text
  path.write_text(text.replace(old, new, 1))


def test_missing_file(tmp_path):
  with pytest.raises(FileNotFoundError, match=r'no file matches .*glue/MNLI/train\.tsv'):
    load_examples('mnli', 'train', data_dir=str(tmp_path))
  with pytest.raises(FileNotFoundError, match=r'nope\.jsonl: no such file; expected SNLI'):
    snli.read_snli([str(tmp_path / 'nope.jsonl')])
  _copy(tmp_path, 'ccg')
  os.remove(tmp_path / 'ccg' / 'labels.txt')
  with pytest.raises(FileNotFoundError, match=r'no file matches .*ccg/labels\.txt'):
    load_examples('ccg', 'dev', data_dir=str(tmp_path))


def test_wrong_column_count(tmp_path):
  path = _copy(tmp_path, 'glue') / 'glue' / 'MNLI' / 'train.tsv'
  _edit(path, '\tcontradiction\tcontradiction\n', '\tcontradiction\n')
  with pytest.raises(ValueError, match=r'MNLI/train\.tsv:2: 11 tab-separated fields; expected 12'):
    load_examples('mnli', 'train', data_dir=str(tmp_path))


def test_missing_tsv_column(tmp_path):
  path = _copy(tmp_path, 'glue') / 'glue' / 'QQP' / 'dev.tsv'
  _edit(path, 'is_duplicate', 'duplicate')
  with pytest.raises(ValueError, match=r"QQP/dev\.tsv:1: header .* lacks columns \['is_duplicate'"):
    load_examples('qqp', 'dev', data_dir=str(tmp_path))


def test_unknown_labels(tmp_path):
  _copy(tmp_path, 'glue')
  _edit(tmp_path / 'glue' / 'MNLI' / 'dev_matched.tsv', '\tcontradiction\tneutral\n',
        '\tcontradiction\tmaybe\n')
  with pytest.raises(ValueError, match=r"dev_matched\.tsv:4: unknown gold_label 'maybe'; "
                                       "expected one of 'contradiction'"):
    load_examples('mnli', 'dev', data_dir=str(tmp_path))
  _copy(tmp_path, 'anli')
  _edit(tmp_path / 'anli/anli_v1.0/R3/dev.jsonl', '"label": "', '"label": "x')
  with pytest.raises(ValueError, match=r"R3/dev\.jsonl:1: unknown label 'x"):
    load_examples('anli_r3', 'dev', data_dir=str(tmp_path))
  _copy(tmp_path, 'commonsenseqa')
  _edit(tmp_path / 'commonsenseqa/dev_rand_split.jsonl', '"answerKey": "B"', '"answerKey": "F"')
  with pytest.raises(ValueError, match=r"dev_rand_split\.jsonl:1: unknown answerKey 'F'"):
    load_examples('commonsenseqa', 'dev', data_dir=str(tmp_path))
  _copy(tmp_path, 'cosmosqa')
  _edit(tmp_path / 'cosmosqa/valid.csv', ',2\n', ',4\n')
  with pytest.raises(ValueError, match=r"valid\.csv:2: unknown label '4'; expected one of '0'"):
    load_examples('cosmosqa', 'dev', data_dir=str(tmp_path))


def test_unknown_supertag(tmp_path):
  _copy(tmp_path, 'ccg')
  _edit(tmp_path / 'ccg/ccgbank/data/AUTO/23/wsj_2301.auto', '(<L N NN NN boy N>)',
        '(<L N[num] NN NN boy N>)')
  with pytest.raises(ValueError, match=r"wsj_2301\.auto:2: sentence wsj_2301\.1: unknown "
                                       r"supertag 'N\[num\]' \(word 'boy'\); expected a tag "
                                       r'listed in .*ccg/labels\.txt'):
    load_examples('ccg', 'test', data_dir=str(tmp_path))


def test_malformed_json_line(tmp_path):
  _copy(tmp_path, 'snli')
  _edit(tmp_path / 'snli/snli_1.0/snli_1.0_dev.jsonl', '"sentence2": ', '"sentence2" ')
  with pytest.raises(ValueError, match=r'snli_1\.0_dev\.jsonl:1: malformed JSON'):
    load_examples('snli', 'dev', data_dir=str(tmp_path))
  _copy(tmp_path, 'hellaswag')
  _edit(tmp_path / 'hellaswag/hellaswag_val.jsonl', '"ctx_a"', '"context_a"')
  with pytest.raises(ValueError, match=r"hellaswag_val\.jsonl:1: no field 'ctx_a'"):
    load_examples('hellaswag', 'dev', data_dir=str(tmp_path))


def test_malformed_csv_and_auto(tmp_path):
  _copy(tmp_path, 'cosmosqa')
  _edit(tmp_path / 'cosmosqa/train.csv', ',Why was the hat dripping ?,', ',')
  with pytest.raises(ValueError, match=r'train\.csv:2: 7 comma-separated columns; expected 8'):
    load_examples('cosmosqa', 'train', data_dir=str(tmp_path))
  _copy(tmp_path, 'ccg')
  _edit(tmp_path / 'ccg/ccgbank/data/AUTO/00/wsj_0001.auto', '(<L N NN NN bank N>)',
        '(<L N NN bank N>)')
  with pytest.raises(ValueError, match=r'wsj_0001\.auto:2: malformed derivation of wsj_0001\.1'):
    load_examples('ccg', 'dev', data_dir=str(tmp_path))


def test_mnli_reader_counts_no_gold_label(tmp_path):
  path = _copy(tmp_path, 'glue') / 'glue' / 'MNLI' / 'dev_matched.tsv'
  _edit(path, '\tneutral\tentailment\n', '\tneutral\t-\n')
  skipped = {}
  assert len(glue.read_mnli([str(path)], skipped=skipped)) == 17
  assert skipped == {'no_gold_label': 1}

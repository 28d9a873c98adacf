"""A new task is one registry entry: XCOPA (XTREME-R) in its released layout, with no other code.

(The registry's own `xcopa`, tasks/xtreme_r.py, grew from this; the entry here is registered
under another name, `xcopa_demo`, so that both exist.)

Raw files as the XCOPA repository ships them (`data/<lang>/{val,test}.<lang>.jsonl`, fields
premise, choice1, choice2, question 'cause'/'effect', label, idx, changed). The entry below, a
few lines of reader, is all that XCOPA needs to load, featurize and score.
"""

import json

import pytest

from xstilts_jax.data.featurize import featurize
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import predict
from xstilts_jax.tasks import registry
from xstilts_jax.tasks.examples import MultipleChoiceExample
from xstilts_jax.tasks.load import load_examples
from xstilts_jax.tasks.readers import rawfiles

XCOPA_LANGUAGES = tuple('et ht id it qu sw ta th tr vi zh'.split())
QUESTIONS = {'cause': 'What was the cause?', 'effect': 'What happened as a result?'}


def xcopa_example(obj):
  """An XCOPA record: the prompt is the premise and the question, the two choices follow."""
  return MultipleChoiceExample(guid=str(obj['idx']),
                               prompt=f"{obj['premise']} {QUESTIONS[obj['question']]}",
                               choices=(obj['choice1'], obj['choice2']), label=obj['label'])


def read_xcopa(files, lang=None, split=None):
  return [xcopa_example(obj) for path in files
          for _, obj in rawfiles.jsonl_records(path, 'XCOPA JSON lines')]


def hub_xcopa(rows, lang=None, split=None):
  return [xcopa_example(row) for row in rows]


def xcopa_task():
  return registry.Task(
      name='xcopa_demo', xtreme_name='XCOPA', category='classification', format='multiple_choice',
      metric='accuracy', num_choices=2, labels=('0', '1'), languages=XCOPA_LANGUAGES,
      splits=('dev', 'test'),
      local=registry.LocalSource(read_xcopa, {'dev': 'xcopa/data/{lang}/val.{lang}.jsonl',
                                              'test': 'xcopa/data/{lang}/test.{lang}.jsonl'}),
      hub=registry.HubSource('cambridgeltl/xcopa', '{lang}',
                             {'dev': 'validation', 'test': 'test'}, hub_xcopa))


ROWS = {
    'it': [("L'uomo aprì il rubinetto.", 'Il lavandino si riempì di acqua.',
            "L'acqua uscì dal muro.", 'effect', 0),
           ('La ragazza trovò un insetto nei cereali.', 'Versò il latte nella ciotola.',
            "Perse l'appetito.", 'effect', 1)],
    'sw': [('Reli iliunganisha mji huo na mji mkuu.', 'Biashara ilikua haraka.',
            'Familia nyingi zilihamia baharini.', 'effect', 0)],
    'zh': [('湖面结冰。', '冬天气温经常降到零度以下。', '游客来山里散步。', 'cause', 0),
           ('铁路把小镇和首都连接起来。', '博物馆举办了一个新展览。', '贸易迅速发展。', 'effect', 1)],
}


def _record(i, row):
  premise, choice1, choice2, question, label = row
  return {'premise': premise, 'choice1': choice1, 'choice2': choice2, 'question': question,
          'label': label, 'idx': i, 'changed': False}


@pytest.fixture
def xcopa(tmp_path):
  for lang, rows in ROWS.items():
    folder = tmp_path / 'xcopa' / 'data' / lang
    folder.mkdir(parents=True)
    for split in ('val', 'test'):
      with open(folder / f'{split}.{lang}.jsonl', 'w', encoding='utf-8') as f:
        for i, row in enumerate(rows):
          f.write(json.dumps(_record(i, row), ensure_ascii=False) + '\n')
  task = registry.register(xcopa_task())
  yield task, str(tmp_path)
  registry.unregister(task.name)


def test_xcopa_is_one_entry(xcopa):
  task, data_dir = xcopa
  assert registry.get_task('xcopa_demo') is task
  tok = load_tokenizer('tiny')
  for lang, rows in ROWS.items():
    examples = load_examples('xcopa_demo', 'test', lang, data_dir=data_dir)
    assert [e.label for e in examples] == [r[4] for r in rows]
    assert examples[0].choices == rows[0][1:3]
    feats = featurize(task, examples, tok, 32)
    assert feats.arrays['input_ids'].shape == (len(rows), 2, 32)
    assert feats.arrays['label'].tolist() == [r[4] for r in rows]
    assert tok.unk_token_id not in feats.arrays['input_ids']
    # The format's metric scores it too: gold labels as predictions are 100% accurate.
    assert predict.evaluate(task, examples, [e.label for e in examples], lang)['score'] == 100
  dev = load_examples('xcopa_demo', 'dev', 'it', data_dir=data_dir)
  assert dev[1].prompt == 'La ragazza trovò un insetto nei cereali. What happened as a result?'
  with pytest.raises(FileNotFoundError, match='xcopa/data/qu/test.qu.jsonl'):
    load_examples('xcopa_demo', 'test', 'qu', data_dir=data_dir)  # registered, no file written


def test_xcopa_hub_layout(xcopa, tmp_path):
  import datasets  # a runtime dependency: never skipped
  task, _ = xcopa
  rows = [_record(i, row) for i, row in enumerate(ROWS['sw'])]
  # hub_dir layout: <hub_dir>/<hub path>/<config>, here cambridgeltl/xcopa config 'sw'.
  datasets.DatasetDict({'test': datasets.Dataset.from_list(rows)}).save_to_disk(
      str(tmp_path / 'hub' / 'cambridgeltl' / 'xcopa' / 'sw'))
  ex, = load_examples(task, 'test', 'sw', source='hub', hub_dir=str(tmp_path / 'hub'))
  assert ex.choices == ROWS['sw'][0][1:3] and ex.label == 0


def test_unregister_removes_the_entry():
  task = registry.register(xcopa_task())
  assert registry.unregister('xcopa_demo') is task
  with pytest.raises(KeyError, match="unknown task 'xcopa_demo'"):
    registry.get_task('xcopa_demo')
  with pytest.raises(KeyError, match='not registered'):
    registry.unregister('xcopa_demo')

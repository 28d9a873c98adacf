"""Zero-shot evaluation writes XTREME-R's layout when the run's benchmark is 'xtreme-r' (what
`config.benchmark` passes down): XCOPA as jsonl that the XTREME-R scorer reads back.

The model is a stand-in that always picks the first alternative, so the expected accuracy is
the share of gold labels 0, counted from the rows below.
"""

import json

import numpy as np
import pytest

from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import zero_shot
from xstilts_jax.eval.score import score_dirs
from xstilts_jax.tasks import registry
from xstilts_jax.tasks.examples import MultipleChoiceExample

ROWS = {'et': [('Mees avas kraani.', 'Kraanikauss täitus veega.', 'Vesi voolas seinast.', 0),
               ('Tüdruk leidis putuka.', 'Ta valas piima.', 'Ta kaotas isu.', 1),
               ('Järv külmus.', 'Oli talv.', 'Turistid tulid.', 0)],
        'ht': [('Li te fatige.', 'Li te dòmi.', 'Li te kouri.', 1)]}


def _read(files, lang=None, split=None):
  return [MultipleChoiceExample(guid=str(obj['idx']), prompt=obj['premise'],
                                choices=(obj['choice1'], obj['choice2']), label=obj['label'])
          for path in files for obj in map(json.loads, open(path, encoding='utf-8'))]


def _first_choice(params, batch):
  return {'prediction': np.zeros(batch['input_ids'].shape[0], np.int32)}


@pytest.fixture
def data_dir(tmp_path):
  for lang, rows in ROWS.items():
    path = tmp_path / 'data' / lang / f'test.{lang}.jsonl'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps({'premise': p, 'choice1': a, 'choice2': b, 'label': l,
                                        'idx': i}) + '\n'
                            for i, (p, a, b, l) in enumerate(rows)), encoding='utf-8')
  return tmp_path / 'data'


def test_xcopa_predictions_in_xtreme_r_layout(data_dir, tmp_path):
  task = registry.Task(name='xcopa', format='multiple_choice', metric='accuracy',
                       num_choices=2, labels=('0', '1'), languages=tuple(ROWS),
                       splits=('test',),
                       local=registry.LocalSource(_read, {'test': '{lang}/test.{lang}.jsonl'}))
  pred_dir, label_dir = tmp_path / 'predictions', tmp_path / 'labels'
  kwargs = dict(pred_dir=str(pred_dir), label_dir=str(label_dir), max_seq_length=16,
                batch_size=2, load_kwargs={'data_dir': str(data_dir)})
  results = zero_shot.run_task(task, _first_choice, None, load_tokenizer('tiny'),
                               benchmark='xtreme-r', languages=tuple(ROWS), **kwargs)
  for lang, rows in ROWS.items():
    expected = 100 * sum(r[3] == 0 for r in rows) / len(rows)
    assert results[lang] == {'accuracy': pytest.approx(expected)}
  assert (pred_dir / 'xcopa' / 'test-et.jsonl').read_text() == '{"label": 0}\n' * 3
  assert (label_dir / 'xcopa' / 'test-et.jsonl').read_text() == ''.join(
      f'{{"label": {r[3]}}}\n' for r in ROWS['et'])
  scores = score_dirs(str(pred_dir), str(label_dir), 'xtreme-r')
  assert scores['tasks']['xcopa']['langs'] == results
  # XCOPA is no XTREME task: the XTREME layout refuses it before anything is written.
  with pytest.raises(ValueError, match=r"unknown XTREME task 'xcopa'.*benchmark='xtreme-r'"):
    zero_shot.run_task(task, _first_choice, None, load_tokenizer('tiny'),
                       **dict(kwargs, pred_dir=str(tmp_path / 'p2')))

"""Continued multilingual MLM as a task: text fixtures, the hub layout, featurizing and masking."""

import logging
import os
import unicodedata

import numpy as np
import pytest

import datasets  # a runtime dependency: never skipped

from xstilts_jax.data import features as F  # noqa: E402
from xstilts_jax.data import mlm as mlm_data  # noqa: E402
from xstilts_jax.data import pipeline  # noqa: E402
from xstilts_jax.data.featurize import featurize  # noqa: E402
from xstilts_jax.data.tokenizer import load_tokenizer  # noqa: E402
from xstilts_jax.tasks import languages, mlm  # noqa: E402
from xstilts_jax.tasks.load import FIXTURES_DIR, load_examples  # noqa: E402
from xstilts_jax.tasks.readers import text  # noqa: E402
from xstilts_jax.tasks.registry import get_task  # noqa: E402

FIXTURE_LANGS = ('ar', 'de', 'en', 'hi', 'ja', 'ru', 'sw', 'th', 'zh')  # 7 scripts


@pytest.fixture(scope='module')
def tok():
  return load_tokenizer('tiny')


def _lines(path):
  with open(path, encoding='utf-8') as f:
    return [line.rstrip('\n') for line in f if line.strip()]


def test_registry_entry():
  task = get_task('mlm')
  assert task is mlm.MLM
  assert (task.format, task.metric, task.head_name) == ('mlm', 'mlm_accuracy', 'mlm')
  assert task.languages == languages.PANX  # the union of every XTREME task's languages
  assert task.hub.path == 'wikimedia/wikipedia' and task.hub.name == '20231101.{lang}'


@pytest.mark.parametrize('lang', FIXTURE_LANGS)
def test_loads_each_language_from_fixtures(lang, caplog):
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    train = load_examples('mlm', 'train', lang)
  path = os.path.join(FIXTURES_DIR, 'mlm', 'train', f'{lang}.txt')
  assert [e.text for e in train] == _lines(path)
  assert len(train) == 6 and train[0].guid == f'{lang}:1'
  assert len({e.guid for e in train}) == len(train)
  assert 'skipped 1 blank_line; kept 6 records' in caplog.text  # the blank line is counted
  dev = load_examples('mlm', 'dev', lang)
  assert len(dev) == 3 and not {e.text for e in dev} & {e.text for e in train}


def test_reader_counts_blank_lines_and_names_files(tmp_path):
  a, b = tmp_path / 'a.txt', tmp_path / 'b.txt'
  a.write_text('\ufeffErste Zeile.\n\n   \nZweite Zeile.\r\n', encoding='utf-8')
  b.write_text('Dritte Zeile.', encoding='utf-8')
  skipped = {}
  examples = text.read_text([str(a), str(b)], lang='de', skipped=skipped)
  assert [(e.guid, e.text) for e in examples] == [
      ('de:0:1', 'Erste Zeile.'), ('de:0:4', 'Zweite Zeile.'), ('de:1:1', 'Dritte Zeile.')]
  assert skipped == {'blank_line': 2}
  with pytest.raises(FileNotFoundError, match='missing.txt'):
    text.read_text(str(tmp_path / 'missing.txt'), lang='de')


def test_unknown_language_and_missing_file_are_errors(tmp_path):
  with pytest.raises(ValueError, match="no language 'xx'"):
    load_examples('mlm', 'train', 'xx')
  with pytest.raises(FileNotFoundError, match='mlm/train/ko.txt'):
    load_examples('mlm', 'train', 'ko')  # an XTREME language the fixtures do not ship


def test_load_multilingual(caplog):
  with pytest.raises(FileNotFoundError):
    mlm.load_multilingual('train')  # 31 of the 40 languages have no fixture
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    examples = mlm.load_multilingual('train', skip_missing=True)
  assert 'no text for 31 languages' in caplog.text
  assert len(examples) == 6 * len(FIXTURE_LANGS)
  assert len({e.guid for e in examples}) == len(examples)
  assert [e.guid.split(':')[0] for e in examples[::6]] == list(FIXTURE_LANGS)
  capped = mlm.load_multilingual('dev', ['th', 'de'], max_per_language=2)
  assert [e.guid for e in capped] == ['th:1', 'th:2', 'de:1', 'de:2']


def _wiki(article_id, body):
  return {'id': article_id, 'url': f'https://x/{article_id}', 'title': 't', 'text': body}


def _save(hub_dir, lang, rows):
  # Where hub_dir keeps wikimedia/wikipedia config 20231101.<lang>.
  path = os.path.join(hub_dir, 'wikimedia', 'wikipedia', f'20231101.{lang}')
  datasets.DatasetDict({'train': datasets.Dataset.from_list(rows)}).save_to_disk(path)
  return path


def test_hub_layout(tmp_path):
  de = _lines(os.path.join(FIXTURES_DIR, 'mlm', 'train', 'de.txt'))
  zh = _lines(os.path.join(FIXTURES_DIR, 'mlm', 'train', 'zh.txt'))
  de_path = _save(str(tmp_path), 'de', [_wiki('12', de[0] + '\n\n' + de[1]),
                                        _wiki('13', '  \n'), _wiki('15', de[2])])
  _save(str(tmp_path), 'zh', [_wiki('7', zh[0])])
  skipped = {}
  rows = datasets.load_from_disk(de_path)['train']
  assert len(mlm.wikipedia_rows(rows, lang='de', split='train', skipped=skipped)) == 2
  assert skipped == {'empty_article': 1}
  examples = load_examples('mlm', 'train', 'de', source='hub', hub_dir=str(tmp_path))
  assert [(e.guid, e.text) for e in examples] == [('de:12', de[0] + '\n\n' + de[1]),
                                                  ('de:15', de[2])]
  both = mlm.load_multilingual('train', ['de', 'zh'], source='hub', hub_dir=str(tmp_path))
  assert [e.guid for e in both] == ['de:12', 'de:15', 'zh:7']
  # max_per_language: the first N rows of each saved copy (the hub streams them).
  assert [e.guid for e in mlm.load_multilingual('train', ['de', 'zh'], max_per_language=1,
                                                source='hub', hub_dir=str(tmp_path))] == [
      'de:12', 'zh:7']
  with pytest.raises(ValueError, match="no hub split for 'dev'"):
    load_examples('mlm', 'dev', 'de', source='hub', hub_dir=str(tmp_path))


def _normalised(s):
  return ' '.join(unicodedata.normalize('NFKC', s).split())


def test_featurizes_and_masks(tok):
  task = get_task('mlm')
  examples = mlm.load_multilingual('train', FIXTURE_LANGS)
  features = featurize(task, examples, tok, 32)
  arrays = features.arrays
  assert set(arrays) == {'input_ids', 'attention_mask', 'example_index'}
  assert arrays['input_ids'].shape == (len(features), 32)
  assert features.stats['examples'] == len(examples)
  assert features.stats['examples_split'] > 0  # the long first document of each file
  sp = F.special_ids(tok)
  assert (arrays['input_ids'][:, 0] == sp.cls).all()
  assert not (arrays['input_ids'] == sp.unk).any()  # the tiny tokenizer covers the fixtures
  # Featurize stores unmasked tokens: the rows of a document give back its text, in order.
  for e, ex in enumerate(examples):
    ids = [t for row in arrays['input_ids'][arrays['example_index'] == e]
           for t in row if t not in (sp.cls, sp.sep, sp.pad)]
    assert tok.decode(ids) == _normalised(ex.text)

  masker = mlm_data.masker(tok, seed=5)
  it = pipeline.TrainIterator(features, 16, seed=1, transform=masker)
  batch = next(it)
  original = arrays['input_ids'][batch['index']]
  labelled = batch['labels'] != F.IGNORE
  assert labelled.any()
  assert (batch['labels'][labelled] == original[labelled]).all()
  assert not np.isin(original[labelled], tok.all_special_ids).any()
  changed = batch['input_ids'] != original
  assert not (changed & ~labelled).any()  # only the chosen 15% are ever altered
  assert (batch['input_ids'][labelled] == tok.mask_token_id).any()
  # The same (seed, epoch, row) gives the same mask, whatever the batch.
  again = masker({'input_ids': original[3:5], 'index': batch['index'][3:5]}, 0)
  assert (again['labels'] == batch['labels'][3:5]).all()
  assert (again['input_ids'] == batch['input_ids'][3:5]).all()

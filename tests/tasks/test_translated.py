"""Translate-train data: the readers on the raw layouts, and English / translated / mixed regimes.

The XNLI and PAWS-X translation files have five columns (English 1, English 2, translated 1,
translated 2, label); XTREME's own processors read the first three, which gives English text and
an English sentence as label. These tests compare every example with the raw file's last three
columns, so such a reader fails them.
"""

import logging
import os

import ml_collections
import pytest

from xstilts_jax.data import translated as regimes
from xstilts_jax.tasks import load, registry
from xstilts_jax.tasks import translated
from xstilts_jax.tasks.load import FIXTURES_DIR
from xstilts_jax.tasks.readers import translated as reader
from xstilts_jax.tasks.readers import xnli as xnli_reader


def _rows(path):
  with open(path, encoding='utf-8') as f:
    return [line.rstrip('\n').split('\t') for line in f if line.strip()]


def _fixture(task, lang, split='train'):
  (pattern,) = load.local_patterns(registry.get_task(task), split, lang, FIXTURES_DIR)
  return pattern


@pytest.mark.parametrize('task,lang', [('xnli_translate_train', 'de'),
                                       ('xnli_translate_train', 'zh'),
                                       ('pawsx_translate_train', 'fr'),
                                       ('pawsx_translate_train', 'ja')])
def test_five_columns_read_the_translated_pair_and_label(task, lang):
  t = registry.get_task(task)
  examples, record = translated.read_translations(t, lang)
  rows = [r for r in _rows(_fixture(task, lang))
          if r[4].replace('contradictory', 'contradiction') in t.labels]
  assert len(rows) == len(examples) > 1 and record['layout'] == ['xtreme']
  for ex, row in zip(examples, rows):
    assert len(row) == 5
    # The translated pair (columns 3, 4), not the English one (columns 1, 2).
    assert (ex.text_a, ex.text_b) == (row[2].strip(), row[3].strip())
    assert (ex.text_a, ex.text_b) != (row[0], row[1])
    assert t.labels[ex.label] == row[4].replace('contradictory', 'contradiction')
  assert load.load_examples(t, 'train', lang) == examples  # the registry reads the same


def test_the_first_three_columns_are_not_a_valid_reading():
  # What XTREME's processors take (English 1, English 2, and English 2's text as a label):
  # no such label is valid, so the trap cannot pass silently.
  rows = _rows(_fixture('xnli_translate_train', 'fr'))
  assert not any(row[2].strip() in xnli_reader.LABELS for row in rows)


def test_quoting_is_off_a_quote_is_text():
  path = _fixture('xnli_translate_train', 'de')
  quoted = [r for r in _rows(path) if r[3].startswith('"')]
  assert quoted  # the fixture has a translated field that opens a quote and never closes it
  examples = reader.read_translated_pairs(path, 'de', labels=xnli_reader.LABELS)
  assert quoted[0][3] in [ex.text_b for ex in examples]
  # A CSV reader with quoting would join the following rows into that field.
  assert len(examples) == len(_rows(path)) - 1  # every row but the invalid-label one


def test_invalid_labels_are_counted_and_reported(caplog):
  for task, lang in (('xnli_translate_train', 'de'), ('pawsx_translate_train', 'fr')):
    t = registry.get_task(task)
    rows = _rows(_fixture(task, lang))
    bad = [i + 1 for i, r in enumerate(rows)
           if r[4].replace('contradictory', 'contradiction') not in t.labels]
    with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
      examples, record = translated.read_translations(t, lang)
    assert bad and record['invalid_label'] == len(bad)
    assert record['rows'] == len(rows) == len(examples) + len(bad)
    assert f'lines {bad[0]}' in caplog.text and os.path.basename(record['files'][0]) in caplog.text
  _, clean = translated.read_translations('xnli_translate_train', 'fr')
  assert clean['invalid_label'] == 0


def test_xnli_mt_three_columns_are_told_apart_by_column_count():
  path = _fixture('xnli_mt_translations', 'de')
  examples, record = translated.read_translations('xnli_mt_translations', 'de')
  rows = _rows(path)
  assert rows[0] == ['premise', 'hypo', 'label'] and record['layout'] == ['xnli_mt']
  assert [(e.text_a, e.text_b) for e in examples] == [(r[0], r[1]) for r in rows[1:]]


@pytest.mark.parametrize('text,error', [
    ('a\tb\tc\td\n', r':1: 4 tab-separated columns; expected 5 .* or 3'),
    ('a\tb\tc\td\tneutral\nx\ty\tz\tneutral\n', r':2: 4 tab-separated fields; expected 5'),
    ('premise\thypothesis\tlabel\na\tb\tneutral\n', r":1: header .* expected \['premise'"),
])
def test_other_layouts_are_refused_with_file_and_line(tmp_path, text, error):
  path = tmp_path / 'en-de-translated.tsv'
  path.write_text(text, encoding='utf-8')
  with pytest.raises(ValueError, match=error):
    reader.read_translated_pairs(str(path), 'de', labels=xnli_reader.LABELS)


@pytest.mark.parametrize('task,lang,split', [('squad_translate_train', 'de', 'train'),
                                             ('squad_translate_train', 'es', 'dev'),
                                             ('tydiqa_translate_train', 'ar', 'train'),
                                             ('tydiqa_translate_train', 'sw', 'train')])
def test_squad_format_translations(task, lang, split):
  examples, record = translated.read_translations(task, lang, split)
  assert examples and record['examples'] == len(examples)
  for ex in examples:
    for a in ex.answers:
      assert ex.context[a.answer_start:a.answer_start + len(a.text)] == a.text


def test_every_translated_task_points_at_its_translations():
  assert translated.translations_of('mnli').name == 'xnli_translate_train'
  assert translated.translations_of('xquad') is translated.translations_of('squad_v1')
  assert translated.translations_of('udpos') is None
  with pytest.raises(ValueError, match="no translation into 'en'"):
    translated.read_translations('pawsx_translate_train', 'en')


# ------------------------------------------------------------------ regimes

def _settings(**kw):
  return ml_collections.ConfigDict(dict(dict(languages='', weight=0.0, weights=''), **kw))


@pytest.fixture(scope='module')
def mnli():
  task = registry.get_task('mnli')
  return task, load.load_examples(task, 'train', 'en')


@pytest.mark.parametrize('kw,want', [
    (dict(languages='de,fr', weight=0.5), {'de': 0.25, 'fr': 0.25}),
    (dict(weights='de:0.1,zh:0.3'), {'de': 0.1, 'zh': 0.3}),
    (dict(languages='fr', weight=1.0), {'fr': 1.0}),
])
def test_translated_fraction_is_exact(mnli, kw, want):
  task, english = mnli
  examples, record = regimes.mix(task, english, _settings(**kw), seed=0, log=lambda *_: None)
  total = len(examples)
  by_lang = {lang: sum(e.guid.startswith(f'translated-{lang}-') for e in examples)
             for lang in want}
  for lang, fraction in want.items():
    assert abs(by_lang[lang] / total - fraction) <= 1 / total
    assert record['per_language'][lang]['used'] == by_lang[lang]
  english_left = total - sum(by_lang.values())
  assert english_left == (0 if sum(want.values()) == 1 else len(english))
  assert record['english_examples'] == english_left
  assert record['regime'] == ('translated' if english_left == 0 else 'mixed')
  again, _ = regimes.mix(task, english, _settings(**kw), seed=0, log=lambda *_: None)
  assert again == examples  # a pure function of the config


def test_natural_sizes_and_labels_by_name(mnli):
  task, english = mnli
  examples, record = regimes.mix(task, english, _settings(languages='all'), seed=0,
                                log=lambda *_: None)
  tt = registry.get_task('xnli_translate_train')
  assert record['mode'] == 'natural' and record['languages'] == list(tt.languages)
  sizes = {lang: len(load.load_examples(tt, 'train', lang)) for lang in tt.languages}
  assert len(examples) == len(english) + sum(sizes.values())
  de = [e for e in examples if e.guid.startswith('translated-de-')]
  raw = load.load_examples(tt, 'train', 'de')
  assert [task.labels[e.label] for e in de] == [tt.labels[e.label] for e in raw]


def test_subset_depends_on_the_seed_only(mnli):
  task, english = mnli
  pick = lambda seed: [e.guid for e in regimes.mix(
      task, english[:8], _settings(weights='de:0.2'), seed=seed, log=lambda *_: None)[0]
      if e.guid.startswith('translated-')]
  assert pick(0) == pick(0) and len(pick(0)) == 2
  assert len({tuple(pick(s)) for s in range(6)}) > 1


def test_english_only_and_bad_settings(mnli):
  task, english = mnli
  assert regimes.mix(task, english, _settings(), seed=0)[0] == english
  qqp = registry.get_task('qqp')
  out, record = regimes.mix(qqp, english, _settings(languages='de', weight=0.5), seed=0,
                           log=lambda *_: None)
  assert out == english and 'no translations of qqp' in record['note']
  with pytest.raises(ValueError, match="no translation into ar"):
    regimes.mix(registry.get_task('pawsx'), english, _settings(languages='ar', weight=0.5), seed=0)
  with pytest.raises(ValueError, match='sum to 1.2'):
    regimes.mix(task, english, _settings(weights='de:0.6,fr:0.6'), seed=0)
  with pytest.raises(ValueError, match='expected <lang>:<fraction > 0>'):
    regimes.parse_weights('de=0.5')

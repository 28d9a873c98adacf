"""XTREME target tasks on real data (../shared/realdata): skipped where XSTILTS_REAL_DATA is unset."""

import os

from xstilts_jax.tasks import languages, registry
from xstilts_jax.tasks.load import load_examples
from xstilts_jax.tasks.readers import conllu


def test_xquad_all_languages(real_data_dir):
  # Our load path lays data out as XTREME does (xquad/xquad.<lang>.json): the real folder is it.
  # The 12 of XTREME-R: XTREME's 11 and Romanian.
  assert languages.XTREME_R['xquad'] == tuple(sorted(languages.XQUAD + ('ro',)))
  for lang in languages.XTREME_R['xquad']:
    examples = load_examples('xquad', 'test', lang, data_dir=real_data_dir)
    assert len(examples) == 1190, lang  # every answer checked at answer_start by the reader
    assert len({e.context for e in examples}) == 240


def test_tatoeba_all_languages(real_data_dir):
  for lang in languages.TATOEBA:
    corpus, = load_examples('tatoeba', 'test', lang, data_dir=real_data_dir)
    n = languages.TATOEBA_SIZES[lang]
    assert len(corpus.source) == len(corpus.target) == len(corpus.gold) == n, lang
    assert corpus.target == sorted(corpus.target)
  code = languages.TATOEBA_ISO3['de']
  with open(os.path.join(real_data_dir, 'tatoeba', f'tatoeba.{code}-eng.eng')) as f:
    english = [line.strip() for line in f]
  corpus, = load_examples('tatoeba', 'test', 'de', data_dir=real_data_dir)
  assert all(corpus.target[int(t)] == english[int(s)] for s, t in corpus.gold)


def test_ud_german_gsd_fused(real_data_dir):
  stats = {}
  path = os.path.join(real_data_dir, 'ud', 'de_gsd-ud-test.conllu')
  examples = conllu.read_conllu([path], 'de', 'test', stats=stats)
  # 977 sentences, 16,498 syntactic words, 274 two-word tokens -> 16,224 words.
  assert stats == {'sentences': 977, 'words': 16224, 'fused': 274, 'dropped_no_text': 0}
  words = [w for e in examples for w in e.words]
  tagged = [(w, t) for e in examples for w, t in zip(e.words, e.labels)]
  assert words.count('zum') == 29 and ('zum', 'ADP') in tagged
  assert all(t == 'ADP' for w, t in tagged if w in ('zum', 'zur', 'vom'))
  assert set(t for _, t in tagged) <= set(registry.get_task('udpos').labels)

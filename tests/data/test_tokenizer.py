"""The shipped tiny tokenizer: XLM-R's special layout, round trips, offsets, determinism."""

import glob
import os
import unicodedata

import pytest

from xstilts_jax.data import tiny_tokenizer
from xstilts_jax.data.tokenizer import load_tokenizer


@pytest.fixture(scope='module')
def tok():
  return load_tokenizer('tiny')


def _normalised(text):
  # The tokenizer's normalisation: NFKC, whitespace runs -> one space, ends stripped.
  return ' '.join(unicodedata.normalize('NFKC', text).split())


def test_special_ids(tok):
  assert (tok.cls_token_id, tok.pad_token_id, tok.sep_token_id, tok.unk_token_id) == (0, 1, 2, 3)
  assert tok.convert_ids_to_tokens([0, 1, 2, 3]) == ['<s>', '<pad>', '</s>', '<unk>']
  assert tok.mask_token_id == len(tok) - 1
  assert 1500 <= len(tok) <= 3000


@pytest.mark.parametrize('path', sorted(glob.glob(os.path.join(tiny_tokenizer.CORPUS_DIR, '*.txt'))),
                         ids=os.path.basename)
def test_round_trip_every_shipped_script(tok, path):
  with open(path, encoding='utf-8') as f:
    lines = [line for line in f.read().splitlines() if line.strip()]
  assert lines
  for line in lines:
    ids = tok(line, add_special_tokens=False)['input_ids']
    assert tok.unk_token_id not in ids, line
    assert tok.decode(ids) == _normalised(line)


def test_unseen_words_in_alphabetic_scripts_do_not_become_unk(tok):
  # Words absent from the corpus, in scripts whose whole alphabet is in the vocab.
  for word in ['Zwölfjährige', 'ĞÜŞİÖÇ', 'phở', 'Щукарь', 'Ψηφιακή', 'ژۆگ', 'ऋषिकेश', 'ฃฅฆ',
               'ヴァイオリン', 'Știință']:
    ids = tok(word, add_special_tokens=False)['input_ids']
    assert tok.unk_token_id not in ids, word
    assert tok.decode(ids) == _normalised(word)


def test_pair_layout_matches_xlmr(tok):
  a = tok('The river flows north.', add_special_tokens=False)['input_ids']
  b = tok('Der Fluss fließt nach Norden.', add_special_tokens=False)['input_ids']
  assert tok('The river flows north.')['input_ids'] == [0] + a + [2]
  assert tok('The river flows north.', 'Der Fluss fließt nach Norden.')['input_ids'] == \
      [0] + a + [2, 2] + b + [2]


def test_offsets_exclude_the_word_separator(tok):
  text = 'Hello  world, (1990) 黑豹队的防守 เมืองนี้'
  enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
  for (start, end), piece in zip(enc['offset_mapping'], tok.convert_ids_to_tokens(enc['input_ids'])):
    assert not text[start:end].startswith(' '), piece
  words = {text[s:e] for s, e in enc['offset_mapping']}
  assert {',', '(', ')', '黑', '豹', 'เ'} <= words  # punctuation, Han, Thai: own pieces


def test_build_is_deterministic():
  lines = tiny_tokenizer.corpus_lines(tiny_tokenizer.corpus_files(fixtures_dir=None))
  assert tiny_tokenizer.build(lines).to_str() == tiny_tokenizer.build(lines).to_str()


def test_shipped_tokenizer_is_what_the_builder_makes(tmp_path):
  # Fixture text feeds the vocab: a fixture change without a rebuild makes the shipped file stale.
  tiny_tokenizer.save(tiny_tokenizer.build(tiny_tokenizer.corpus_lines(
      tiny_tokenizer.corpus_files())), str(tmp_path))
  shipped = os.path.join(tiny_tokenizer.OUT_DIR, 'tokenizer.json')
  with open(shipped, 'rb') as a, open(tmp_path / 'tokenizer.json', 'rb') as b:
    assert a.read() == b.read(), 'run `python -m xstilts_jax.data.tiny_tokenizer` and commit'


def test_load_tokenizer_is_fast(tok):
  assert tok.is_fast
  assert load_tokenizer('tiny') is tok  # cached

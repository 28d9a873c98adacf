"""Perturbations of one text: clusters, scripts, levels, keys, kinds, rates (no real data)."""

import os
import subprocess
import sys

import numpy as np
import pytest
import regex

from xstilts_jax import robustness as rb
from xstilts_jax.robustness import keyboards, scripts


def test_hindi_clusters_stay_whole():
  word = 'हिन्दी'
  assert rb.clusters(word) == ['हि', 'न्दी']
  rng = np.random.default_rng(0)
  variants = rb.word_candidates(word, 'hi', 'char', rng, 30)
  assert len(variants) == 30 and word not in variants
  for v in variants:
    assert rb.detached_marks(v) == 0, v
    assert {scripts.script_of(c) for c in v} == {'Deva'}, v
  # A swap moves whole clusters: both are there, in the other order.
  assert 'न्दीहि' in variants
  # Each variant is one edit of clusters: at most one cluster in, one out, or a swap.
  for v in variants:
    a, b = rb.clusters(word), rb.clusters(v)
    assert abs(len(a) - len(b)) <= 1 or sorted(a) == sorted(b), v
  for v in rb.word_candidates(word, 'hi', 'keyboard', rng, 40):
    assert rb.detached_marks(v) == 0 and set(map(scripts.script_of, v)) == {'Deva'}, v


def test_new_characters_come_from_the_words_script():
  rng = np.random.default_rng(1)
  for word, lang, script in [('Katze', 'de', 'Latn'), ('кошка', 'ru', 'Cyrl'),
                             ('γάτα', 'el', 'Grek'), ('猫咪', 'zh', 'Hani'),
                             ('ねこ', 'ja', 'Hira'), ('고양이', 'ko', 'Hang'),
                             ('แมว', 'th', 'Thai'), ('قطة', 'ar', 'Arab')]:
    for v in rb.word_candidates(word, lang, 'char', rng, 20):
      new = set(v) - set(word)
      assert all(scripts.script_of(c) == script for c in new), (word, v)
  # Latin 'a' draws from a-z: never an exotic Latin letter, and lowercase stays lowercase.
  assert scripts.alphabet('a') == tuple('abcdefghijklmnopqrstuvwxyz')
  assert 'Ж' in scripts.alphabet('Б') and 'ж' not in scripts.alphabet('Б')


def test_level_zero_is_identity_and_level_one_changes_every_word():
  text = 'Der kleine Hund schläft heute im Garten.'
  for kind in rb.KINDS:
    lang = 'de'
    assert rb.perturb_text(text, lang, kind, 0.0, seed=3) == text
  out = rb.perturb_text(text, 'de', 'char', 1.0, seed=3)
  assert rb.realised_rates(text, out, 'de')['words'] == 1.0
  with pytest.raises(ValueError, match='level'):
    rb.perturb_text(text, 'de', 'char', 1.5, seed=3)


def test_key_decides_everything():
  text = 'Der kleine Hund schläft heute im Garten, und die Katze sitzt auf dem Dach.'
  a = rb.perturb_text(text, 'de', 'char+word_swap', 0.3, seed=7, key=('xnli', 'ex1', 'text_a'))
  b = rb.perturb_text(text, 'de', 'char+word_swap', 0.3, seed=7, key=('xnli', 'ex1', 'text_a'))
  assert a == b != text
  others = {rb.perturb_text(text, 'de', 'char+word_swap', 0.3, seed=s, key=('xnli', 'ex1', 'text_a'))
            for s in range(8)}
  assert len(others) >= 7  # different seeds, different noise
  assert rb.perturb_text(text, 'de', 'char', 0.3, seed=7, key=('xnli', 'ex2', 'text_a')) != \
      rb.perturb_text(text, 'de', 'char', 0.3, seed=7, key=('xnli', 'ex1', 'text_a'))


def test_same_output_in_another_process_with_another_hash_seed():
  texts = ['Der Hund schläft.', 'हिन्दी भाषा बहुत सुंदर है।', 'ฉันรักภาษาไทยมากครับ']
  code = ('import sys; from xstilts_jax import robustness as rb\n'
          'texts = sys.argv[1:]\n'
          'print("\\x1e".join(rb.perturb_text(t, l, "char+word_drop", 0.5, 11, key=(i,))'
          ' for i, (t, l) in enumerate(zip(texts, ["de", "hi", "th"]))))')
  env = dict(os.environ, PYTHONHASHSEED='12345')
  got = subprocess.run([sys.executable, '-c', code, *texts], env=env, capture_output=True,
                       text=True, check=True).stdout.rstrip('\n').split('\x1e')
  here = [rb.perturb_text(t, l, 'char+word_drop', 0.5, 11, key=(i,))
          for i, (t, l) in enumerate(zip(texts, ['de', 'hi', 'th']))]
  assert got == here


def test_segmentation_of_unspaced_scripts():
  text = 'ฉันรักภาษาไทย'
  assert [text[s:e] for s, e in rb.split_words(text, 'th')] == ['ฉัน', 'รัก', 'ภาษา', 'ไทย']
  text = '我喜欢学习中文。'
  assert [text[s:e] for s, e in rb.split_words(text, 'zh')] == ['我', '喜欢', '学习', '中文']
  text = 'a 😀 𠮷野家 b'  # astral characters: ICU's UTF-16 offsets mapped to code points
  assert [text[s:e] for s, e in rb.split_words(text, 'ja')][0] == 'a'
  assert all(text[s:e].strip() == text[s:e] for s, e in rb.split_words(text, 'ja'))


# Hand-written sentences with no spaces between words (the punctuated ones end a clause with
# the script's own mark or a space between phrases): ICU's Lao, Khmer and Burmese dictionaries.
UNSPACED = {
    'lo': ['ຂ້ອຍຮັກພາສາລາວ', 'ພວກເຮົາໄປຕະຫຼາດມື້ນີ້ ແລ້ວກັບບ້ານ'],
    'km': ['ខ្ញុំស្រលាញ់ភាសាខ្មែរ', 'ខ្ញុំទៅផ្សារថ្ងៃនេះ។'],
    'my': ['ကျွန်တော်မြန်မာစကားကိုချစ်တယ်', 'ကျွန်မဈေးကိုသွားမယ်။'],
}


@pytest.mark.parametrize('lang', sorted(UNSPACED))
def test_segmentation_of_lao_khmer_myanmar(lang):
  for text in UNSPACED[lang]:
    spans = rb.split_words(text, lang)
    words = [text[s:e] for s, e in spans]
    assert len(words) > 1, (lang, text, words)   # the dictionary split the run of letters
    assert all(w and w.strip() == w for w in words), words
    # Words are in order, do not overlap, and with what lies between them give the text back.
    rest = [text[e:s] for (_, e), (s, _) in zip([(0, 0)] + spans, spans + [(len(text), 0)])]
    assert all(not regex.search(r'\p{L}', r) for r in rest), rest
    assert ''.join(r + w for r, w in zip(rest, words + [''])) == text
    if ' ' not in text and not regex.search(r'\p{P}', text):
      assert ''.join(words) == text
    # A boundary never falls inside a grapheme cluster (no mark cut from its base).
    bounds = {0}
    for c in rb.clusters(text):
      bounds.add(max(bounds) + len(c))
    assert all(s in bounds and e in bounds for s, e in spans), (lang, text)


def test_word_kinds():
  text = 'Der Hund schläft im Garten.'
  drop = rb.perturb_text(text, 'de', 'word_drop', 1.0, seed=0)
  assert drop == '.'
  repeat = rb.perturb_text(text, 'de', 'word_repeat', 1.0, seed=0)
  assert repeat == 'Der Der Hund Hund schläft schläft im im Garten Garten.'
  swap = rb.perturb_text(text, 'de', 'word_swap', 0.8, seed=0)
  assert sorted(swap[:-1].split()) == sorted(text[:-1].split()) and swap != text
  assert rb.perturb_text('我喜欢学习中文。', 'zh', 'word_repeat', 1.0, seed=0) == \
      '我我喜欢喜欢学习学习中文中文。'
  one = rb.perturb_text('A B C D.', 'en', 'word_drop', 0.5, seed=1)
  assert '  ' not in one and not one.startswith(' ') and ' .' not in one


def test_kinds_and_errors():
  assert rb.parse_kind('char+word_drop') == ('char', 'word_drop')
  with pytest.raises(ValueError, match='unknown perturbation kind'):
    rb.perturb_text('x', 'en', 'typo', 0.1, 0)
  with pytest.raises(rb.NoKeyboardLayout, match="'ja'"):
    rb.perturb_text('日本語', 'ja', 'keyboard', 0.1, 0)
  assert 'de' in rb.keyboard_languages() and 'ja' not in rb.keyboard_languages()
  assert rb.kinds_for_format('tagging') == ('char', 'keyboard', 'code_switch')
  with pytest.raises(ValueError, match='number of words'):
    rb.perturb_words(['a', 'b'], 'en', 'word_drop', 0.5, 0)
  with pytest.raises(ValueError, match='two words'):
    rb.word_candidates('x', 'en', 'word_swap', np.random.default_rng(0), 3)


def test_keyboard_neighbours():
  near = keyboards.neighbours('de')
  assert set(near['g']) == set('tzfhvb')  # QWERTZ: z sits where US has y
  assert set(near['G']) == set('TZFHVB')
  assert 'й' in keyboards.neighbours('ru')['ц']
  # Korean 2-set: one jamo of a syllable struck on a neighbouring key, recomposed.
  korean = keyboards.typos('한', 'ko')
  assert {'산', '란', '판', '헌', '항'} <= set(korean)
  assert all(len(w) == 1 and '\uac00' <= w <= '\ud7a3' for w in korean)
  # Devanagari InScript: a vowel sign's neighbours are vowel signs (marks), never letters.
  assert all(rb.detached_marks('क' + n) == 0 for n in keyboards.neighbours('hi')['ि'])


def test_code_switch_both_directions(tmp_path):
  de = rb.shipped_dictionary('de')
  assert rb.perturb_text('Der Hund schläft.', 'de', 'code_switch', 1.0, 0) in (
      'The Dog schläft.', 'The Dog sleeps.', 'That Dog sleeps.', 'That Dog schläft.')
  out = rb.perturb_text('The dog and the cat.', 'en', 'code_switch', 1.0, 0, dictionary=de)
  assert 'Hund' in out and 'Katze' in out and 'und' in out
  zh = rb.perturb_text('我喜欢学习中文。', 'zh', 'code_switch', 1.0, 0)
  assert 'like' in zh and ' like ' in zh or zh.startswith('i like')
  with pytest.raises(ValueError, match='needs a target language'):
    rb.perturb_text('The dog.', 'en', 'code_switch', 0.5, 0)
  path = tmp_path / 'en-xx.txt'
  path.write_text('dog hund\ncat\n')
  with pytest.raises(ValueError, match='en-xx.txt:2: expected'):
    rb.load_dictionary(str(path), 'en', 'xx')
  path = tmp_path / 'de-en.0-5000.txt'  # MUSE's names give the languages
  path.write_text('hund dog\nkatze cat\n')
  mine = rb.load_dictionary(str(path))
  assert (mine.source, mine.target) == ('de', 'en')
  assert rb.perturb_text('Der Hund', 'de', 'code_switch', 1.0, 0, dictionary=mine) == 'Der Dog'
  assert rb.perturb_text('the cat', 'en', 'code_switch', 1.0, 0, dictionary=mine) == 'the katze'


def test_realised_rates():
  r = rb.realised_rates('the cat sat on the mat', 'the cat sat on the mat', 'en')
  assert r == {'chars': 0.0, 'words': 0.0, 'tokens': None}
  r = rb.realised_rates('the cat sat on the mat', 'the cta sat on teh mat', 'en',
                        tokenizer=str.split)
  assert r['words'] == pytest.approx(2 / 6) and r['tokens'] == pytest.approx(2 / 6)
  assert r['chars'] == pytest.approx(4 / 22)
  # Unspaced text is never re-segmented: one edited Thai word is one word.
  r = rb.realised_rates('ฉันรักภาษาไทย', 'ฉันรักภาษาไทบ', 'th')
  assert r['words'] == pytest.approx(1 / 4)
  r = rb.realised_rates('a b c d', 'b a c d', 'en')
  assert r['words'] == pytest.approx(2 / 4)  # a swap moves two words


def test_token_rate_with_the_project_tokenizer():
  import tokenizers  # the shipped tiny tokenizer's file, without the transformers wrapper
  path = os.path.join(os.path.dirname(rb.__file__), '..', 'assets', 'tiny_tokenizer',
                      'tokenizer.json')
  backend = tokenizers.Tokenizer.from_file(path)
  tok = lambda text: backend.encode(text, add_special_tokens=False).tokens  # noqa: E731
  text = 'Der Hund schläft heute im Garten.'
  assert rb.realised_rates(text, text, 'de', tokenizer=tok)['tokens'] == 0.0
  noisy = rb.perturb_text(text, 'de', 'char', 0.5, seed=0)
  before, after = tok(text), tok(noisy)
  rate = rb.realised_rates(text, noisy, 'de', tokenizer=tok)['tokens']
  assert before != after and 0 < rate <= max(len(before), len(after)) / len(before)


def test_word_candidates_per_kind():
  rng = np.random.default_rng(0)
  assert rb.word_candidates('Hund', 'de', 'word_drop', rng, 5) == ['']
  assert rb.word_candidates('Hund', 'de', 'word_repeat', rng, 5) == ['Hund Hund']
  assert rb.word_candidates('喜欢', 'zh', 'word_repeat', rng, 5) == ['喜欢喜欢']
  assert rb.word_candidates('Haus', 'de', 'code_switch', rng, 5) == ['House']
  typos = rb.word_candidates('Hund', 'de', 'keyboard', rng, 500)
  assert len(typos) == len(set(typos)) > 10 and 'Hund' not in typos
  assert len(rb.word_candidates('a', 'en', 'char', rng, 5)) == 5

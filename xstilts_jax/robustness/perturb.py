"""Perturbations as pure functions of (text, language, kind, level, seed, key).

`level` is the fraction of eligible words perturbed: a word is eligible when at least one
part of the kind applies to it (a letter for `char`, a key on the layout for `keyboard`, a
dictionary entry for `code_switch`, a different neighbour for `word_swap`, any word for
`word_drop` and `word_repeat`). Per text, round(level * eligible) words are perturbed,
rounded up or down at random so the expectation is exact. A combination ('char+word_drop')
spreads the same budget over its parts: each chosen word gets one part drawn at random. A
swap perturbs two words.

The randomness of a text comes only from its key: sha256 of (seed, language, kind, level,
*key) seeds a numpy SeedSequence, so a result never depends on order, batch or process.
"""

import hashlib
from typing import Optional, Sequence

import numpy as np

from xstilts_jax.robustness import (char_edits, code_switch, graphemes, keyboards, scripts,
                                   segment)

KINDS = ('char', 'keyboard', 'word_drop', 'word_swap', 'word_repeat', 'code_switch')
IN_WORD_KINDS = ('char', 'keyboard', 'code_switch')  # never change the number of words
_UNSPACED_SCRIPTS = ('Hani', 'Hira', 'Kana', 'Thai', 'Laoo', 'Khmr', 'Mymr')


def parse_kind(kind: str) -> tuple:
  """'char+word_drop' -> ('char', 'word_drop'); an error for an unknown or repeated part."""
  parts = tuple(kind.split('+'))
  for part in parts:
    if part not in KINDS:
      raise ValueError(f'unknown perturbation kind {part!r} in {kind!r}; kinds: '
                       f'{" ".join(KINDS)} (combine with +)')
  if len(set(parts)) != len(parts):
    raise ValueError(f'perturbation kind {kind!r} repeats a part')
  return parts


def rng_for(seed: int, *key) -> np.random.Generator:
  """A generator that depends on (seed, *key) alone."""
  text = '\x1f'.join(repr(p) if isinstance(p, float) else str(p) for p in (seed,) + key)
  digest = hashlib.sha256(text.encode('utf-8')).digest()
  return np.random.default_rng(np.random.SeedSequence(int.from_bytes(digest[:16], 'little')))


def _check(lang, parts, level, dictionary):
  if not 0.0 <= level <= 1.0:
    raise ValueError(f'level is a fraction of words in [0, 1], got {level!r}')
  if 'keyboard' in parts:
    keyboards.layout_info(lang)  # raises NoKeyboardLayout
  if 'code_switch' in parts:
    return code_switch.resolve(lang, dictionary)
  return None


def _in_word(part, word, lang, rng, dictionary, single_word):
  """One in-word edit of `word` by `part`, or None when it does not apply."""
  if part == 'char':
    return char_edits.char_edit(word, rng)
  if part == 'keyboard':
    return keyboards.keyboard_edit(word, lang, rng)
  options = dictionary.translations(word, lang)
  if single_word:  # tagging: a translation must stay one word
    options = tuple(t for t in options if not any(c.isspace() for c in t))
  return options[int(rng.integers(len(options)))] if options else None


def perturb_pieces(pieces: Sequence[tuple], lang: str, parts: Sequence[str], level: float,
                   rng: np.random.Generator, *, dictionary=None,
                   single_word: bool = False) -> list:
  """The engine. `pieces` tile a text: (text, is_word, protected). Returns one output string
  per piece (a dropped word and one space beside it become '', a repeated word holds both
  copies, swapped words trade places); protected pieces come back unchanged."""
  out = [p[0] for p in pieces]
  words = [i for i, (_, is_word, protected) in enumerate(pieces) if is_word and not protected]
  if level == 0 or not words:
    return out
  # Swap partners: the next or previous word with only unprotected non-words in between.
  partner = {}
  for a, b in zip(words, words[1:]):
    if all(not pieces[k][2] for k in range(a + 1, b)) and out[a] != out[b]:
      partner.setdefault(a, []).append(b)
      partner.setdefault(b, []).append(a)

  def applies(part, i):
    if part in ('word_drop', 'word_repeat'):
      return True
    if part == 'word_swap':
      return i in partner
    if part == 'code_switch':
      return bool(dictionary.translations(out[i], lang))
    if part == 'keyboard':
      return bool(keyboards.typos(out[i], lang))
    return True  # char: every word has a letter

  eligible = [i for i in words if any(applies(p, i) for p in parts)]
  target = level * len(eligible)
  budget = int(target) + int(rng.random() < target - int(target))
  used, dropped, switched = set(), set(), set()
  for i in rng.permutation(eligible).tolist():
    if budget <= 0:
      break
    if i in used:
      continue
    options = [p for p in parts if applies(p, i)]
    if 'word_swap' in options and not [j for j in partner[i] if j not in used]:
      options.remove('word_swap')
    if not options:
      continue
    part = options[int(rng.integers(len(options)))]
    if part == 'word_swap':
      if budget == 1 and rng.random() < 0.5:
        break  # a swap costs two words: half the time, so one is spent on average
      free = [j for j in partner[i] if j not in used]
      j = free[int(rng.integers(len(free)))]
      out[i], out[j] = out[j], out[i]
      used.update((i, j))
      budget -= 2
      continue
    if part == 'word_drop':
      out[i] = ''
      dropped.add(i)
    elif part == 'word_repeat':
      space = ''
      for k in (i + 1, i - 1):
        if 0 <= k < len(pieces) and not pieces[k][1] and pieces[k][0].isspace():
          space = pieces[k][0]
          break
      out[i] = out[i] + space + out[i]
    else:
      edited = _in_word(part, out[i], lang, rng, dictionary, single_word)
      if edited is None or edited == out[i]:
        continue
      out[i] = edited
      if part == 'code_switch' and not single_word:
        switched.add(i)
    used.add(i)
    budget -= 1
  if dropped:
    _tidy_spaces(pieces, out, dropped)
  if switched and lang in segment.UNSPACED_LANGUAGES:
    _space_switched(out, switched)
  return out


def _space_switched(out, switched):
  """Chinese, Thai, ... text: a switched-in word of a spaced language gets a space against
  letters on either side ('我 like 学习'), or words would run together."""
  for i in sorted(switched):
    word = out[i]
    if lang_is_spaced(word):
      before = next((o for o in reversed(out[:i]) if o), '')
      after = next((o for o in out[i + 1:] if o), '')
      if before and graphemes.has_letter(before[-1]):
        word = ' ' + word
      if after and graphemes.has_letter(after[0]):
        word = word + ' '
      out[i] = word


def lang_is_spaced(word: str) -> bool:
  """Whether `word`'s script separates words with spaces (not Han, kana, Thai, Lao, ...)."""
  return scripts.word_script(word) not in _UNSPACED_SCRIPTS


def _tidy_spaces(pieces, out, dropped):
  """Removes the spaces a dropped word leaves doubled, leading, trailing or before
  punctuation ('A B C.' without B and C is 'A.'), whatever order the words were dropped in."""
  n = len(out)
  for k in range(n):
    if pieces[k][1] or pieces[k][2] or not out[k] or not out[k].isspace():
      continue
    p = k - 1
    while p >= 0 and out[p] == '':
      p -= 1
    q = k + 1
    while q < n and out[q] == '':
      q += 1
    if not any(j in dropped for j in range(p + 1, q)):
      continue
    if p < 0 or q >= n or out[q].isspace() or not pieces[q][1]:
      out[k] = ''


def text_pieces(text: str, lang: str, protected=()) -> list:
  """ICU segments of `text` as engine pieces; a segment overlapping a protected (start, end)
  span is protected."""
  pieces = []
  for s, e in segment.segments(text, lang):
    guard = any(s < pe and ps < e for ps, pe in protected)
    pieces.append((text[s:e], graphemes.has_letter(text[s:e]), guard))
  return pieces


def perturb_text(text: str, lang: str, kind: str, level: float, seed: int, *, key=(),
                 dictionary: Optional[code_switch.BilingualDictionary] = None) -> str:
  """`text` with a fraction `level` of its eligible words perturbed by `kind`.

  key: extra parts of the random key, e.g. (task, example_id, field). Deterministic.

  >>> perturb_text('Der Hund schläft im Garten.', 'de', 'char', 0.0, seed=0)
  'Der Hund schläft im Garten.'
  >>> out = perturb_text('हिन्दी भाषा', 'hi', 'char', 1.0, seed=0)
  >>> out == perturb_text('हिन्दी भाषा', 'hi', 'char', 1.0, seed=0) != 'हिन्दी भाषा'
  True
  """
  parts = parse_kind(kind)
  dictionary = _check(lang, parts, level, dictionary)
  rng = rng_for(seed, lang, kind, float(level), *key)
  return ''.join(perturb_pieces(text_pieces(text, lang), lang, parts, level, rng,
                                dictionary=dictionary))


def perturb_around(text: str, lang: str, kind: str, level: float, seed: int, *, protected,
                   key=(), dictionary=None) -> tuple:
  """Like `perturb_text`, leaving every segment that overlaps a `protected` (start, end) span
  as it is. Returns (original pieces, output pieces): piece i of the text became output i,
  so an offset inside a protected piece moves by the length change of the pieces before it."""
  parts = parse_kind(kind)
  dictionary = _check(lang, parts, level, dictionary)
  rng = rng_for(seed, lang, kind, float(level), *key)
  pieces = text_pieces(text, lang, protected)
  return [p[0] for p in pieces], perturb_pieces(pieces, lang, parts, level, rng,
                                                dictionary=dictionary)


def perturb_words(words: Sequence[str], lang: str, kind: str, level: float, seed: int, *,
                  key=(), dictionary=None) -> list:
  """Tagging: each of `words` is one word (never re-split); only in-word kinds apply, so the
  number of words and their labels stay valid."""
  parts = parse_kind(kind)
  bad = [p for p in parts if p not in IN_WORD_KINDS]
  if bad:
    raise ValueError(f'kind {kind!r}: {" ".join(bad)} would change the number of words; '
                     f'pre-tokenised words take only {" ".join(IN_WORD_KINDS)}')
  dictionary = _check(lang, parts, level, dictionary)
  rng = rng_for(seed, lang, kind, float(level), *key)
  pieces = [(w, graphemes.has_letter(w), False) for w in words]
  return perturb_pieces(pieces, lang, parts, level, rng, dictionary=dictionary,
                        single_word=True)


def word_candidates(word: str, lang: str, kind: str, rng: np.random.Generator, n: int, *,
                    dictionary=None) -> list:
  """Up to `n` distinct single-edit variants of one word by `kind` (for adversarial search).

  In-word kinds give edited words; 'word_drop' gives [''] and 'word_repeat' the word twice
  (with a space unless `lang` is written without spaces); 'word_swap' needs two words and is
  an error here. Fewer than `n` come back when fewer exist (a short word, few translations).
  """
  parts = parse_kind(kind)
  if len(parts) != 1:
    raise ValueError(f'word_candidates takes one kind, got {kind!r}')
  part = parts[0]
  if part == 'word_swap':
    raise ValueError("word_swap moves two words: it has no single-word candidates")
  dictionary = _check(lang, parts, 0.0, dictionary)
  if part == 'word_drop':
    return [''][:n]
  if part == 'word_repeat':
    space = '' if lang in segment.UNSPACED_LANGUAGES else ' '
    return [word + space + word][:n]
  if part == 'keyboard':
    options = keyboards.typos(word, lang)
    return [options[i] for i in rng.permutation(len(options))[:n]]
  if part == 'code_switch':
    options = dictionary.translations(word, lang)
    return [options[i] for i in rng.permutation(len(options))[:n]]
  found = []
  for _ in range(20 * n):  # random edits until n distinct ones (or give up: a tiny word)
    if len(found) >= n:
      break
    edited = char_edits.char_edit(word, rng)
    if edited is None:
      break
    if edited != word and edited not in found:
      found.append(edited)
  return found

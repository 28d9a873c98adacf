"""Realised perturbation rates of an (original, perturbed) pair: characters, words, tokens.

Characters and tokens: edit operations of difflib's alignment (a replaced stretch counts its
longer side) over the original length. Words: the original words (`split_words`) touched by
an edit, plus the further words of inserted text (a repeated word), over the original words;
the perturbed text is never re-segmented, so a Thai or Chinese word with a typo counts once.
"""

import difflib
from typing import Sequence

from xstilts_jax.robustness import graphemes, segment


def _edits(a: Sequence, b: Sequence) -> int:
  edits = 0
  for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
    if tag != 'equal':
      edits += max(i2 - i1, j2 - j1)
  return edits


def changed_words(original: str, perturbed: str, lang: str) -> tuple:
  """(words of `original` changed or inserted, words of `original`)."""
  words = segment.split_words(original, lang)
  changed = set()
  inserted = 0
  opcodes = difflib.SequenceMatcher(None, original, perturbed, autojunk=False).get_opcodes()
  for tag, i1, i2, j1, j2 in opcodes:
    if tag != 'equal' and i1 < i2:
      changed.update(k for k, (s, e) in enumerate(words) if s < i2 and i1 < e)
  for tag, i1, i2, j1, j2 in opcodes:  # insertions: to a touching word, an edited one first
    if tag != 'insert':
      continue
    new = perturbed[j1:j2]
    new_words = len(segment.split_words(new, lang)) or int(graphemes.has_letter(new))
    touching = [k for k, (s, e) in enumerate(words) if s <= i1 <= e]
    if touching and not changed.intersection(touching):
      changed.add(touching[0])  # the insertion belongs to (or is) an edit of that word
      new_words -= 1
    elif touching:
      new_words -= 1  # part of an edit already counted
    inserted += max(new_words, 0)
  return len(changed) + inserted, len(words)


def _tokens(tokenizer, text):
  return tokenizer.tokenize(text) if hasattr(tokenizer, 'tokenize') else list(tokenizer(text))


def realised_rates(original: str, perturbed: str, lang: str, tokenizer=None) -> dict:
  """{'chars', 'words', 'tokens'}: fractions of the original changed (tokens: None without a
  tokenizer; a tokenizer is an object with `tokenize(text)` or a callable giving tokens).

  >>> realised_rates('the cat sat', 'the cat', 'en')['words']
  0.3333333333333333
  """
  chars = _edits(original, perturbed) / max(len(original), 1)
  changed, total = changed_words(original, perturbed, lang)
  tokens = None
  if tokenizer is not None:
    before = _tokens(tokenizer, original)
    tokens = _edits(before, _tokens(tokenizer, perturbed)) / max(len(before), 1)
  return {'chars': chars, 'words': changed / max(total, 1), 'tokens': tokens}

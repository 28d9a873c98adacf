"""Character noise inside one word: insert, delete, substitute or swap grapheme clusters.

A cluster is edited as a whole, so a vowel sign or accent never loses its base: a
substitution replaces the base letter and keeps the marks on it (`कि` -> `मि`), a swap moves
two whole clusters, a deletion removes one whole cluster. New letters come from
`scripts.alphabet` of the letter they replace or sit next to: the word's own script.
"""

from typing import Optional

import numpy as np

from xstilts_jax.robustness import graphemes, scripts

OPERATIONS = ('insert', 'delete', 'substitute', 'swap')


def _choice(rng: np.random.Generator, items):
  return items[int(rng.integers(len(items)))]


def _new_letter(near: str, avoid: str, rng: np.random.Generator) -> Optional[str]:
  letters = scripts.alphabet(near)
  if not letters or (len(letters) == 1 and letters[0] == avoid):
    return None
  while True:
    letter = _choice(rng, letters)
    if letter != avoid:
      return letter


def char_edit(word: str, rng: np.random.Generator) -> Optional[str]:
  """`word` with one cluster-level edit (operation drawn uniformly among the possible ones);
  None when no edit is possible (no letter, or an alphabet of one letter)."""
  parts = graphemes.clusters(word)
  letters = [i for i, c in enumerate(parts) if graphemes.is_letter(c[0])]
  if not letters:
    return None
  operations = ['insert', 'substitute']
  if len(letters) >= 2:
    operations.append('delete')  # a word never loses its last letter
  swaps = [i for i in letters if i + 1 < len(parts) and i + 1 in letters
           and parts[i] != parts[i + 1]]
  if swaps:
    operations.append('swap')
  for _ in range(len(OPERATIONS)):
    operation = _choice(rng, operations)
    if operation == 'insert':
      i = _choice(rng, letters)
      near = parts[i][0]
      if near.isupper() and any(c[0].islower() for c in parts) and len(near.lower()) == 1:
        near = near.lower()  # insert lowercase inside a capitalised word (not İ -> i̇)
      letter = _new_letter(near, '', rng)
      if letter is None:
        continue
      at = i + int(rng.integers(2))  # before or after the chosen letter
      return ''.join(parts[:at] + [letter] + parts[at:])
    if operation == 'delete':
      i = _choice(rng, letters)
      return ''.join(parts[:i] + parts[i + 1:])
    if operation == 'substitute':
      i = _choice(rng, letters)
      letter = _new_letter(parts[i][0], parts[i][0], rng)
      if letter is None:
        operations.remove('substitute')
        if not operations:
          return None
        continue
      return ''.join(parts[:i] + [letter + parts[i][1:]] + parts[i + 1:])
    i = _choice(rng, swaps)
    return ''.join(parts[:i] + [parts[i + 1], parts[i]] + parts[i + 2:])
  return None

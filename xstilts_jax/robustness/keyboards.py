"""Keyboard typos from per-language layouts: a key's character becomes, or is joined by, the
character of a neighbouring key at the same shift level.

The layouts (`xstilts_jax/assets/robustness/keyboards.json`) are derived by `xkb.py` from
xkeyboard-config's symbol files (MIT/X11-style licences; which layout serves which language
is listed in the file and in docs/design.md). A typo never leaves the word's script: only
neighbours that are letters or marks of the replaced character's script are used, a mark is
replaced by a mark and a letter by a letter, and an inserted character goes after the whole
cluster of the key it was struck with, so no cluster is split.
"""

import functools
import json
import math
import os
from typing import Optional

import numpy as np

from xstilts_jax.robustness import graphemes, scripts

KEYBOARD_FILE = os.path.join(os.path.dirname(__file__), '..', 'assets', 'robustness',
                             'keyboards.json')
_NEIGHBOUR_DISTANCE = 1.3  # in key widths: the 4-6 keys around a key on a staggered board


class NoKeyboardLayout(ValueError):
  """The language has no shipped keyboard layout (see `keyboard_languages()`)."""


def key_position(name: str) -> tuple:
  """(x, y) of an XKB key name on a staggered ISO/ANSI board, in key widths."""
  if name == 'TLDE':
    return (0.0, 0.0)
  if name == 'BKSL':
    return (13.5, 1.0)
  if name == 'LSGT':
    return (1.25, 3.0)
  offset, y = {'AE': (0.0, 0), 'AD': (0.5, 1), 'AC': (0.75, 2), 'AB': (1.25, 3)}[name[:2]]
  col = int(name[2:])
  return (offset + col, float(y))


@functools.lru_cache(maxsize=None)
def _layouts() -> dict:
  with open(KEYBOARD_FILE, encoding='utf-8') as f:
    return json.load(f)['layouts']


def keyboard_languages() -> tuple:
  """Languages with a shipped layout (XTREME-R codes)."""
  return tuple(sorted(_layouts()))


def layout_info(lang: str) -> dict:
  """Where `lang`'s layout comes from: {'xkb': 'de(basic)', 'name': ..., 'keys': ...}."""
  if lang not in _layouts():
    raise NoKeyboardLayout(f'no keyboard layout for language {lang!r}; shipped: '
                           f'{" ".join(keyboard_languages())}')
  return _layouts()[lang]


@functools.lru_cache(maxsize=None)
def neighbours(lang: str) -> dict:
  """char -> the characters of the neighbouring keys at the same level, same script and
  same kind (mark or not)."""
  keys = layout_info(lang)['keys']
  positions = {name: key_position(name) for name in keys}
  table = {}
  for name, levels in keys.items():
    x, y = positions[name]
    near = [other for other in keys if other != name
            and math.dist((x, y), positions[other]) < _NEIGHBOUR_DISTANCE]
    for level, char in enumerate(levels):
      if not char or not (graphemes.is_letter(char) or graphemes.is_mark(char)):
        continue
      script, mark = scripts.script_of(char), graphemes.is_mark(char)
      found = table.setdefault(char, [])
      for other in near:
        if level < len(keys[other]):
          n = keys[other][level]
          if (n and n != char and n not in found and graphemes.is_mark(n) == mark
              and (graphemes.is_letter(n) or mark) and scripts.script_of(n) == script):
            found.append(n)
  return {c: tuple(n) for c, n in table.items() if n}


@functools.lru_cache(maxsize=1 << 16)
def typos(word: str, lang: str) -> tuple:
  """Every single keyboard typo of `word`: substitutions and insertions, deduplicated."""
  near = neighbours(lang)
  parts = graphemes.clusters(word)
  found = []
  start = 0
  for k, cluster in enumerate(parts):
    end = start + len(cluster)
    for p in range(start, end):
      for n in near.get(word[p], ()):
        found.append(word[:p] + n + word[p + 1:])      # struck the neighbour instead
        if not graphemes.is_mark(word[p]) or not graphemes.is_mark(n):
          found.append(word[:end] + n + word[end:])    # struck both: after the cluster
    start = end
  return tuple(w for w in dict.fromkeys(found) if w != word)


def keyboard_edit(word: str, lang: str, rng: np.random.Generator) -> Optional[str]:
  """`word` with one keyboard typo drawn uniformly; None if no key of it is on the layout."""
  options = typos(word, lang)
  return options[int(rng.integers(len(options)))] if options else None

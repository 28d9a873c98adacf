"""The script of a character and the letters of a script, from Unicode data.

New characters (inserted or substituted) come from the alphabet of the character they sit
next to or replace: the letters (general category L*) that share its script (Unicode
Scripts.txt), its Unicode block and its general category, so Latin `a` draws from `a`-`z`,
`é` from the Latin-1 letters, Devanagari `क` from the Devanagari letters, Hangul `한` from
the precomposed syllables, Han `中` from the CJK Unified Ideographs. The tables are
fontTools' copies of the Unicode Character Database (fontTools is a matplotlib dependency);
an alphabet is derived once, on first use, and cached.
"""

import bisect
import functools
import unicodedata

from fontTools import unicodedata as ucd

COMMON = ('Zyyy', 'Zinh', 'Zzzz')  # common, inherited, unknown: no script of their own


@functools.lru_cache(maxsize=None)
def script_of(char: str) -> str:
  """ISO 15924 code of `char`'s script ('Latn', 'Deva', 'Hani', ...; 'Zyyy' for common)."""
  return ucd.script(char)


def word_script(word: str) -> str:
  """The script most letters of `word` are written in ('Zyyy' when it has none)."""
  counts = {}
  for char in word:
    script = script_of(char)
    if script not in COMMON:
      counts[script] = counts.get(script, 0) + 1
  return max(counts, key=counts.get) if counts else 'Zyyy'


def _block_range(char: str) -> tuple:
  starts = ucd.Blocks.RANGES
  i = bisect.bisect_right(starts, ord(char)) - 1
  end = starts[i + 1] if i + 1 < len(starts) else 0x110000
  return starts[i], end


@functools.lru_cache(maxsize=None)
def _alphabet_in_range(script: str, category: str, start: int, end: int) -> tuple:
  return tuple(c for c in map(chr, range(start, end))
               if unicodedata.category(c) == category and ucd.script(c) == script)


def alphabet(char: str) -> tuple:
  """The letters a new character next to or instead of `char` may be drawn from.

  Letters of `char`'s script, block and general category (Ll stays Ll, Lo stays Lo). Empty
  for a character that is not a letter or whose script is common/inherited.
  """
  category = unicodedata.category(char)
  script = script_of(char)
  if not category.startswith('L') or script in COMMON:
    return ()
  return _alphabet_in_range(script, category, *_block_range(char))

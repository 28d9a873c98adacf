"""Words of a text: ICU's word boundaries (UAX #29 plus ICU's dictionaries).

Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are split into
words by ICU's dictionary-based break iterator, the one browsers and operating systems use;
`icu4py` ships ICU 78 inside its wheels, so no system ICU is needed (PyICU needs one). A
segment is a word when it holds a letter; numbers, punctuation and spaces are left alone.
"""

import functools

import regex
from icu4py.breakers import WordBreaker
from icu4py.locale import Locale

from xstilts_jax.robustness import graphemes

# Scripts with no spaces between words: a repeated word is written without a separator.
UNSPACED_LANGUAGES = ('zh', 'ja', 'th', 'lo', 'km', 'my')
_ASTRAL = regex.compile(r'[\U00010000-\U0010FFFF]')


@functools.lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
  return Locale(lang)


def segments(text: str, lang: str) -> list:
  """ICU word-break segments of `text` as (start, end) code point offsets; they tile it."""
  if not text:
    return []
  spans = list(WordBreaker(text, _locale(lang)).segments())
  if _ASTRAL.search(text):  # ICU counts UTF-16 code units: map them back to code points
    utf16_to_cp = {}
    unit = 0
    for i, char in enumerate(text):
      utf16_to_cp[unit] = i
      unit += 2 if ord(char) > 0xFFFF else 1
    utf16_to_cp[unit] = len(text)
    spans = [(utf16_to_cp[s], utf16_to_cp[e]) for s, e in spans]
  return spans


def split_words(text: str, lang: str) -> list:
  """Character spans (start, end) of the words of `text` (segments holding a letter).

  >>> split_words('ฉันรักภาษาไทย', 'th')
  [(0, 3), (3, 6), (6, 10), (10, 13)]
  """
  return [(s, e) for s, e in segments(text, lang) if graphemes.has_letter(text[s:e])]

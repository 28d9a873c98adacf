"""Code-switching from a bilingual dictionary in MUSE's format (`source target`, one pair a line).

Both directions: with an English-German dictionary, English text gets German words and
German text gets English words. The user passes their own dictionary (`load_dictionary`);
the shipped demo dictionaries (`xstilts_jax/assets/robustness/dictionaries/en-<lang>.txt`, a
about 80 common words each, written for this project, under its licence) serve when none is
given. MUSE's own dictionaries are CC BY-NC 4.0, so none is shipped.
"""

import dataclasses
import functools
import os
from typing import Mapping, Optional

DICTIONARY_DIR = os.path.join(os.path.dirname(__file__), '..', 'assets', 'robustness',
                              'dictionaries')


@dataclasses.dataclass(frozen=True)
class BilingualDictionary:
  source: str
  target: str
  forward: Mapping[str, tuple]   # source word (lowercase) -> target words
  backward: Mapping[str, tuple]  # target word (lowercase) -> source words
  path: str = ''

  def translations(self, word: str, lang: str) -> tuple:
    """Translations of `word`, a word of `lang` (either side), with its capitalisation."""
    if lang == self.source:
      table = self.forward
    elif lang == self.target:
      table = self.backward
    else:
      raise ValueError(f'dictionary {self.path or self.source + "-" + self.target} translates '
                       f'{self.source}<->{self.target}, not text in {lang!r}')
    return tuple(_same_case(word, t) for t in table.get(word.lower(), ()))


def _same_case(word: str, translation: str) -> str:
  if len(word) > 1 and word.isupper():
    return translation.upper()
  if word[:1].isupper() and translation[:1].islower():
    return translation[:1].upper() + translation[1:]
  return translation


def load_dictionary(path: str, source: str, target: str) -> BilingualDictionary:
  """Reads a MUSE-format dictionary: each line `source_word target_word` (space or tab)."""
  forward, backward = {}, {}
  with open(path, encoding='utf-8') as f:
    for lineno, line in enumerate(f, 1):
      fields = line.split()
      if len(fields) != 2:
        raise ValueError(f'{path}:{lineno}: expected "source_word target_word" (two fields), '
                         f'got {line.rstrip()!r}')
      src, tgt = fields
      forward.setdefault(src.lower(), []).append(tgt)
      backward.setdefault(tgt.lower(), []).append(src)
  if not forward:
    raise ValueError(f'{path}: empty dictionary; expected lines "source_word target_word"')
  freeze = lambda table: {k: tuple(dict.fromkeys(v)) for k, v in table.items()}
  return BilingualDictionary(source, target, freeze(forward), freeze(backward), path)


def shipped_languages() -> tuple:
  """Languages with a shipped demo dictionary against English."""
  names = sorted(os.listdir(DICTIONARY_DIR))
  return tuple(n[len('en-'):-len('.txt')] for n in names
               if n.startswith('en-') and n.endswith('.txt'))


@functools.lru_cache(maxsize=None)
def shipped_dictionary(lang: str) -> BilingualDictionary:
  """The demo dictionary English <-> `lang`; an error naming the shipped ones otherwise."""
  path = os.path.join(DICTIONARY_DIR, f'en-{lang}.txt')
  if not os.path.exists(path):
    raise ValueError(f'no shipped code-switching dictionary for {lang!r} (shipped: '
                     f'{" ".join(shipped_languages())}); pass dictionary=load_dictionary('
                     f'"<en-{lang} file in MUSE format>", "en", "{lang}")')
  return load_dictionary(path, 'en', lang)


def resolve(lang: str, dictionary: Optional[BilingualDictionary]) -> BilingualDictionary:
  """The dictionary to code-switch text in `lang` with."""
  if dictionary is not None:
    dictionary.translations('x', lang)  # raises when the dictionary has no `lang` side
    return dictionary
  if lang == 'en':
    raise ValueError('code-switching English text needs a target language: pass '
                     'dictionary=load_dictionary(path, "en", "<lang>") or shipped_dictionary(lang)')
  return shipped_dictionary(lang)

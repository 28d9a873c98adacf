"""One way to a tokenizer: `load_tokenizer('tiny')` (shipped) or any fast Hugging Face tokenizer."""

import functools
import os

TINY_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'assets', 'tiny_tokenizer')


@functools.lru_cache(maxsize=8)
def load_tokenizer(name_or_path: str):
  """A `transformers` fast tokenizer: 'tiny' is the shipped one, else a hub id or directory.

  Featurizers need offsets and batch encoding, so a slow (Python) tokenizer is an error.
  Cached: tokenizers are read-only here and loading the transformers wrapper is slow.
  """
  from transformers import AutoTokenizer  # heavy import, only when a tokenizer is needed
  path = TINY_DIR if name_or_path == 'tiny' else name_or_path
  if name_or_path == 'tiny' and not os.path.isfile(os.path.join(TINY_DIR, 'tokenizer.json')):
    raise FileNotFoundError(f'{TINY_DIR}/tokenizer.json is missing; rebuild it with '
                            'python -m xstilts_jax.data.tiny_tokenizer')
  tok = AutoTokenizer.from_pretrained(path, use_fast=True)
  if not getattr(tok, 'is_fast', False):
    raise ValueError(f'{name_or_path!r} loads as a slow tokenizer ({type(tok).__name__}); '
                     'the featurizers need a fast (tokenizers-backed) one with offsets')
  return tok

"""A tiny perturbation space for tests of the search, the suite and the report: dropped or
doubled characters of whitespace-separated words. Not the project's perturbation module
(xstilts_jax.robustness.perturb*); it only gives the suite something seeded to run."""

import re
import types
import zlib

import numpy as np

from xstilts_jax.robustness import adversarial

KINDS = ('typo',)


def kinds_for_format(fmt):
  del fmt
  return KINDS


def split_words(text, lang):
  del lang
  return [m.span() for m in re.finditer(r'\S+', text)]


def word_candidates(word, lang, kind, rng, n):
  del lang, kind
  out = []
  for p in rng.permutation(len(word)):
    for v in (word[:p] + word[p + 1:], word[:p] + word[p] + word[p:]):
      if v and v != word and v not in out:
        out.append(v)
  return out[:n]


def _rng(seed, key):
  return np.random.default_rng([int(seed), zlib.crc32(repr(key).encode())])


def perturb_example(example, fmt, lang, kind, level, seed, *, task, example_id, qa_context=False):
  del qa_context
  slots = adversarial.word_slots(example, fmt, lang, split_words)
  rng = _rng(seed, (task, example_id, kind, level))
  edits = []
  for k, (_, _, _, word) in enumerate(slots):
    if rng.random() < level:
      c = word_candidates(word, lang, kind, rng, 1)
      if c:
        edits.append((k, c[0]))
  return (adversarial.apply_edits(example, fmt, slots, tuple(edits)) if edits else example), []


def perturb_text(text, lang, kind, level, seed, *, key=()):
  spans = split_words(text, lang)
  rng = _rng(seed, (key, kind, level))
  for start, end in reversed(spans):
    if rng.random() < level:
      c = word_candidates(text[start:end], lang, kind, rng, 1)
      if c:
        text = text[:start] + c[0] + text[end:]
  return text


def realised_rates(original, perturbed, lang, tokenizer=None):
  del lang, tokenizer
  a, b = original.split(), perturbed.split()
  words = sum(x != y for x, y in zip(a, b)) / max(len(a), 1)
  chars = abs(len(original) - len(perturbed)) / max(len(original), 1)
  return dict(chars=chars, words=words, tokens=words)


FUNCTIONS = types.SimpleNamespace(
    perturb_example=perturb_example, perturb_text=perturb_text, realised_rates=realised_rates,
    split_words=split_words, word_candidates=word_candidates, kinds_for_format=kinds_for_format,
    KINDS=KINDS)

"""MLQA exact match and F1 with MLQA's per-language answer normalisation.

As MLQA's official evaluation script: punctuation is every Unicode 'P*' character plus ASCII
punctuation; articles are removed per language (Arabic: every 'ال' substring, even inside a
word, which is what the official regex does); Chinese is split into single CJK characters
(U+4E00..U+9FA5) and punctuation, other languages on whitespace.
"""

import functools
import re
import string
import sys
import unicodedata

from xstilts_jax.eval.metrics import squad



@functools.lru_cache(maxsize=None)
def _punct():
  # Built on first use: scanning all code points takes a few tenths of a second.
  return frozenset(chr(i) for i in range(sys.maxunicode + 1)
                   if unicodedata.category(chr(i)).startswith('P')) | set(string.punctuation)

_WHITESPACE_LANGS = ('en', 'es', 'hi', 'vi', 'de', 'ar')
_MIXED_SEGMENTATION_LANGS = ('zh',)
_ARTICLES = {
  'en': re.compile(r'\b(a|an|the)\b'),
  'es': re.compile(r'\b(un|una|unos|unas|el|la|los|las)\b'),
  'vi': re.compile(r'\b(của|là|cái|chiếc|những)\b'),
  'de': re.compile(r'\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b'),
  # The official pattern; its first branch can never match, so any 'ال' is replaced.
  'ar': re.compile('\\sال^|ال'),
  'hi': None,
  'zh': None,
}
_CJK = re.compile('[\u4e00-\u9fa5]')


def _mixed_segmentation(text):
  """CJK characters and punctuation become single tokens; the rest splits on whitespace."""
  punct = _punct()
  tokens, pending = [], ''
  for ch in text:
    if _CJK.search(ch) or ch in punct:
      tokens.extend(pending.split())
      pending = ''
      tokens.append(ch)
    else:
      pending += ch
  tokens.extend(pending.split())
  return tokens


def mlqa_normalize_answer(text, lang):
  if lang not in _ARTICLES:
    raise ValueError(f'MLQA normalisation has no rules for language {lang!r}')
  punct = _punct()
  text = text.lower()
  text = ''.join(ch for ch in text if ch not in punct)
  if _ARTICLES[lang] is not None:
    text = _ARTICLES[lang].sub(' ', text)
  if lang in _MIXED_SEGMENTATION_LANGS:
    tokens = _mixed_segmentation(text)
  else:
    tokens = text.split()
  return ' '.join(t for t in tokens if t.strip())


def mlqa_f1(prediction, truth, lang):
  pred_tokens = mlqa_normalize_answer(prediction, lang).split()
  true_tokens = mlqa_normalize_answer(truth, lang).split()
  return squad.token_f1(pred_tokens, true_tokens)


def mlqa_exact(prediction, truth, lang):
  return float(mlqa_normalize_answer(prediction, lang) == mlqa_normalize_answer(truth, lang))


def mlqa_evaluate(dataset, predictions, lang):
  """MLQA {'exact_match', 'f1'} in percent for one language (context language = lang)."""
  return squad.evaluate_questions(
      dataset, predictions,
      lambda p, t: mlqa_exact(p, t, lang), lambda p, t: mlqa_f1(p, t, lang))

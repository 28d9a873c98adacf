"""`Features`: what every featurizer returns, and the helpers they share.

`arrays` holds fixed-shape numpy arrays with a leading feature axis N (see docs/design.md);
`stats` counts what was truncated, split or windowed, so nothing is dropped silently.
"""

import collections
import dataclasses
from typing import Dict

import numpy as np

from xstilts_jax.data import progress

IGNORE = -100  # label of positions that carry no loss (special, non-first subword, padding)

PROGRESS_FROM = 5000  # texts; fewer are tokenized in one call, without a bar
PROGRESS_CHUNK = 2000

SpecialIds = collections.namedtuple('SpecialIds', 'cls sep pad unk mask')


@dataclasses.dataclass
class Features:
  arrays: Dict[str, np.ndarray]
  stats: Dict[str, int]

  def __len__(self):
    return len(self.arrays['input_ids'])


def special_ids(tokenizer) -> SpecialIds:
  """XLM-R's `<s>`, `</s>`, `<pad>`, `<unk>`, `<mask>` ids (BOS/EOS where CLS/SEP are unset)."""
  pick = lambda a, b: a if a is not None else b
  return SpecialIds(cls=pick(tokenizer.cls_token_id, tokenizer.bos_token_id),
                    sep=pick(tokenizer.sep_token_id, tokenizer.eos_token_id),
                    pad=tokenizer.pad_token_id, unk=tokenizer.unk_token_id,
                    mask=tokenizer.mask_token_id)


def encode(tokenizer, texts, *, pretokenized=False):
  """Batched encoding without special tokens; each result has `.ids`, `.offsets`, `.word_ids`.

  Goes to the Rust tokenizer directly (the transformers wrapper adds nothing we use and is
  several times slower). Truncation or padding left set by an earlier wrapper call is undone.
  """
  backend = tokenizer.backend_tokenizer
  if backend.truncation is not None:
    backend.no_truncation()
  if backend.padding is not None:
    backend.no_padding()
  texts = list(texts)
  if not texts:
    return []
  if len(texts) < PROGRESS_FROM:
    return backend.encode_batch(texts, add_special_tokens=False, is_pretokenized=pretokenized)
  out = []  # in chunks, with a bar (392k MNLI pairs take minutes)
  with progress.bar(len(texts), 'tokenizing', 'text') as b:
    for i in range(0, len(texts), PROGRESS_CHUNK):
      chunk = texts[i:i + PROGRESS_CHUNK]
      out += backend.encode_batch(chunk, add_special_tokens=False, is_pretokenized=pretokenized)
      b.update(len(chunk))
  return out


def truncate_pair(len_a, len_b, budget):
  """Lengths after 'longest first' truncation (the longer side loses a token; ties: b)."""
  if len_a + len_b <= budget:
    return len_a, len_b
  if len_a >= len_b and len_b <= budget - len_b:
    return budget - len_b, len_b
  if len_b > len_a and len_a <= budget - len_a:
    return len_a, budget - len_a
  return budget - budget // 2, budget // 2


def pair_row(ids_a, ids_b, max_len, sp):
  """`<s> a </s>` or `<s> a </s></s> b </s>` within max_len; returns (ids, tokens cut)."""
  if ids_b is None:
    keep_a = min(len(ids_a), max_len - 2)
    return [sp.cls] + list(ids_a[:keep_a]) + [sp.sep], len(ids_a) - keep_a
  keep_a, keep_b = truncate_pair(len(ids_a), len(ids_b), max_len - 4)
  row = [sp.cls] + list(ids_a[:keep_a]) + [sp.sep, sp.sep] + list(ids_b[:keep_b]) + [sp.sep]
  return row, len(ids_a) + len(ids_b) - keep_a - keep_b


def pack(rows, max_len, pad_id, shape_prefix=None):
  """Rows of token ids -> (input_ids, attention_mask) int32 arrays padded to max_len."""
  n = len(rows)
  ids = np.full((n, max_len), pad_id, np.int32)
  mask = np.zeros((n, max_len), np.int32)
  for i, row in enumerate(rows):
    ids[i, :len(row)] = row
    mask[i, :len(row)] = 1
  if shape_prefix is not None:
    ids = ids.reshape(tuple(shape_prefix) + (max_len,))
    mask = mask.reshape(tuple(shape_prefix) + (max_len,))
  return ids, mask

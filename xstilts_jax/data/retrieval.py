"""Retrieval: `<s> sentence </s>` (XTREME: up to 512 tokens); sentences are str or `.text`."""

import numpy as np

from xstilts_jax.data import features as F


def featurize(task, sentences, tokenizer, max_seq_length=512):
  del task
  texts = [s if isinstance(s, str) else s.text for s in sentences]
  sp = F.special_ids(tokenizer)
  rows, truncated, cut_tokens = [], 0, 0
  for enc in F.encode(tokenizer, texts):
    row, cut = F.pair_row(enc.ids, None, max_seq_length, sp)
    rows.append(row)
    truncated += cut > 0
    cut_tokens += cut
  ids, mask = F.pack(rows, max_seq_length, sp.pad)
  arrays = dict(input_ids=ids, attention_mask=mask,
                example_index=np.arange(len(texts), dtype=np.int32))
  stats = dict(examples=len(texts), features=len(texts), truncated=int(truncated),
               truncated_tokens=int(cut_tokens))
  return F.Features(arrays, stats)

"""Classification: `<s> a </s>` or `<s> a </s></s> b </s>`, longest-first truncation."""

import numpy as np

from xstilts_jax.data import features as F


def featurize(task, examples, tokenizer, max_seq_length):
  del task  # labels are already indices
  sp = F.special_ids(tokenizer)
  enc_a = F.encode(tokenizer, [e.text_a for e in examples])
  pairs = [i for i, e in enumerate(examples) if e.text_b is not None]
  enc_b = dict(zip(pairs, F.encode(tokenizer, [examples[i].text_b for i in pairs])))
  rows, truncated, cut_tokens = [], 0, 0
  for i in range(len(examples)):
    row, cut = F.pair_row(enc_a[i].ids, enc_b[i].ids if i in enc_b else None, max_seq_length, sp)
    rows.append(row)
    truncated += cut > 0
    cut_tokens += cut
  ids, mask = F.pack(rows, max_seq_length, sp.pad)
  labels = np.array([-1 if e.label is None else e.label for e in examples], np.int32)
  arrays = dict(input_ids=ids, attention_mask=mask, label=labels,
                example_index=np.arange(len(examples), dtype=np.int32))
  stats = dict(examples=len(examples), features=len(examples), truncated=int(truncated),
               truncated_tokens=int(cut_tokens))
  return F.Features(arrays, stats)

"""Multiple choice: one `<s> prompt </s></s> choice </s>` sequence per choice, [N, C, T]."""

import numpy as np

from xstilts_jax.data import features as F


def featurize(task, examples, tokenizer, max_seq_length):
  num_choices = task.num_choices or (len(examples[0].choices) if examples else 0)
  for e in examples:
    if len(e.choices) != num_choices:
      raise ValueError(f'task {task.name!r}: example {e.guid!r} has {len(e.choices)} choices, '
                       f'expected {num_choices}')
  sp = F.special_ids(tokenizer)
  enc_p = F.encode(tokenizer, [e.prompt for e in examples])
  enc_c = F.encode(tokenizer, [c for e in examples for c in e.choices])
  rows, truncated, cut_tokens = [], 0, 0
  for i in range(len(examples)):
    for j in range(num_choices):
      row, cut = F.pair_row(enc_p[i].ids, enc_c[i * num_choices + j].ids, max_seq_length, sp)
      rows.append(row)
      truncated += cut > 0
      cut_tokens += cut
  ids, mask = F.pack(rows, max_seq_length, sp.pad, shape_prefix=(len(examples), num_choices))
  labels = np.array([-1 if e.label is None else e.label for e in examples], np.int32)
  arrays = dict(input_ids=ids, attention_mask=mask, label=labels,
                example_index=np.arange(len(examples), dtype=np.int32))
  stats = dict(examples=len(examples), features=len(examples),
               truncated=int(truncated),  # (example, choice) sequences cut
               truncated_tokens=int(cut_tokens))
  return F.Features(arrays, stats)

"""Multiple choice: one `<s> prompt </s></s> choice </s>` sequence per choice, [N, C, T].

Truncation as jiant's multiple-choice template (`truncate_sequences(..., truncate_end=False)`):
while prompt + choice exceed the budget, the longer of the two loses a token (the prompt on a
tie), and tokens go from the START of each, so a long CosmosQA prompt (context + question)
keeps its question and a long choice keeps its end.
"""

import numpy as np

from xstilts_jax.data import features as F


def truncated_lengths(len_prompt, len_choice, budget):
  """Lengths after jiant's longest-first rule (ties: the prompt, the first sequence, loses)."""
  if len_prompt + len_choice <= budget:
    return len_prompt, len_choice
  if len_prompt >= len_choice and budget - len_choice >= len_choice:
    return budget - len_choice, len_choice
  if len_choice > len_prompt and budget - len_prompt >= len_prompt:
    return len_prompt, budget - len_prompt
  return budget // 2, budget - budget // 2


def _keep_end(ids, n):
  return list(ids[len(ids) - n:]) if n > 0 else []


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
      prompt, choice = enc_p[i].ids, enc_c[i * num_choices + j].ids
      keep_p, keep_c = truncated_lengths(len(prompt), len(choice), max_seq_length - 4)
      rows.append([sp.cls] + _keep_end(prompt, keep_p) + [sp.sep, sp.sep]
                  + _keep_end(choice, keep_c) + [sp.sep])
      cut = len(prompt) + len(choice) - keep_p - keep_c
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

"""Masked LM: text -> `<s> tokens </s>` rows, and BERT masking at batch time.

`featurize` stores the unmasked tokens (a text longer than a row is cut into several rows,
counted). `mask_batch` then masks 15% of the non-special tokens (80% `<mask>`, 10% a random
non-special token, 10% kept) and returns `labels` (-100 where not masked). The draw of row
`index` (its row in the Features) is a pure function of (seed, epoch, index): a Philox key
made of the three, so a resumed run, any batch size and any host split mask identically.
"""

import numpy as np

from xstilts_jax.data import features as F


def featurize(task, examples, tokenizer, max_seq_length):
  del task
  sp = F.special_ids(tokenizer)
  budget = max_seq_length - 2
  rows, example_index = [], []
  stats = dict(examples=len(examples), features=0, examples_split=0, empty=0)
  for i, enc in enumerate(F.encode(tokenizer, [e.text for e in examples])):
    ids = enc.ids
    stats['empty'] += not ids
    stats['examples_split'] += len(ids) > budget
    for start in range(0, max(len(ids), 1), budget):
      rows.append([sp.cls] + list(ids[start:start + budget]) + [sp.sep])
      example_index.append(i)
  ids, mask = F.pack(rows, max_seq_length, sp.pad)
  stats['features'] = len(rows)
  return F.Features(dict(input_ids=ids, attention_mask=mask,
                         example_index=np.asarray(example_index, np.int32)), stats)


def _row_rng(seed, epoch, index):
  if not (0 <= seed < 2**64 and 0 <= epoch < 2**32 and 0 <= index < 2**32):
    raise ValueError(f'seed {seed}, epoch {epoch}, index {index} out of range for the key')
  return np.random.Generator(np.random.Philox(key=(seed << 64) | (epoch << 32) | index))


def mask_row(ids, *, seed, epoch, index, mask_id, special_ids, vocab_size, mask_prob=0.15):
  """(masked ids, labels) for one row of token ids."""
  ids = np.asarray(ids)
  rng = _row_rng(int(seed), int(epoch), int(index))
  n = ids.shape[-1]
  specials = np.unique(np.asarray(special_ids))
  selected = ~np.isin(ids, specials) & (rng.random(n) < mask_prob)
  how = rng.random(n)
  # A uniform non-special id: draw among vocab_size - len(specials), then skip the specials.
  random_ids = rng.integers(0, vocab_size - len(specials), n)
  for s in specials:
    random_ids = random_ids + (random_ids >= s)
  masked = np.where(selected & (how < 0.8), mask_id, ids)
  masked = np.where(selected & (how >= 0.8) & (how < 0.9), random_ids, masked)
  labels = np.where(selected, ids, F.IGNORE)
  return masked.astype(np.int32), labels.astype(np.int32)


def mask_batch(batch, *, seed, epoch, mask_id, special_ids, vocab_size, mask_prob=0.15):
  """A copy of `batch` with `input_ids` masked and `labels` added.

  Rows are keyed by batch['index']; `epoch` is one number or one per row (a training batch
  can straddle two epochs).
  """
  ids = np.asarray(batch['input_ids'])
  index = np.asarray(batch['index'])
  epochs = np.broadcast_to(np.asarray(epoch), index.shape)
  masked, labels = np.empty_like(ids, np.int32), np.empty_like(ids, np.int32)
  for r in range(len(index)):
    masked[r], labels[r] = mask_row(ids[r], seed=seed, epoch=epochs[r], index=index[r],
                                    mask_id=mask_id,
                                    special_ids=special_ids, vocab_size=vocab_size,
                                    mask_prob=mask_prob)
  return dict(batch, input_ids=masked, labels=labels)


def masker(tokenizer, seed, mask_prob=0.15):
  """`fn(batch, epoch)` masking with this tokenizer's ids: `TrainIterator(transform=...)`."""
  special_ids = tuple(tokenizer.all_special_ids)
  vocab_size = len(tokenizer)

  def fn(batch, epoch):
    return mask_batch(batch, seed=seed, epoch=epoch, mask_id=tokenizer.mask_token_id,
                      special_ids=special_ids, vocab_size=vocab_size, mask_prob=mask_prob)
  return fn

"""Mean-pooled sentence vectors from one hidden layer, and Tatoeba retrieval.

The model-facing part is one injected callable, `hidden_states_fn(params, input_ids,
attention_mask) -> tuple of [B, T, H]` (index 0 = embedding output), so this module
never imports the model. `xlmr_hidden_states_fn(encoder)` adapts our `XLMREncoder`.

Tatoeba direction (as XTREME's `evaluate_retrieval.py` / `similarity_search`): the
non-English sentences are the database, the English sentences are the queries; the
prediction for English sentence j is the index of its nearest non-English sentence.
"""

import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax.eval import knn as knn_lib
from xstilts_jax.eval import predict


def mean_pool(hidden, attention_mask):
  """Mean over non-padding tokens ([B, T, H], [B, T] -> [B, H] float32).

  Special tokens (<s>, </s>) are included, as in XTREME and jiant.
  """
  hidden = hidden.astype(jnp.float32)
  mask = attention_mask.astype(jnp.float32)[..., None]
  # max(., 1) only guards all-padding rows (batch filler), whose vectors are discarded.
  return (hidden * mask).sum(axis=1) / jnp.maximum(mask.sum(axis=1), 1.0)


def xlmr_hidden_states_fn(encoder):
  """Adapter: `XLMREncoder` (flax module) -> `hidden_states_fn` for `make_encode_fn`."""
  def hidden_states_fn(params, input_ids, attention_mask):
    out = encoder.apply(params, input_ids, attention_mask, output_hidden_states=True)
    return out['hidden_states']
  return hidden_states_fn


def make_encode_fn(hidden_states_fn, layer, out_sharding=None):
  """Jitted `(params, input_ids, attention_mask) -> [B, H]` float32 vectors of `layer`.

  out_sharding: e.g. a replicated sharding, so every host of a multi-host run can read the
  vectors (the search runs on each host's copy).
  """
  def encode(params, input_ids, attention_mask):
    hidden = hidden_states_fn(params, input_ids, attention_mask)[layer]
    return mean_pool(hidden, attention_mask)
  return jax.jit(encode, out_shardings=out_sharding)


def _bucket(length, buckets, max_len):
  for b in buckets:
    if length <= b and b <= max_len:
      return b
  return max_len


def embed(encode_fn, params, input_ids, attention_mask, *, batch_size=64, buckets=None):
  """Sentence vectors [N, H] float32 (numpy) for featurised retrieval inputs [N, T].

  Batches have a fixed row count (the last is filled with copies of a real row) and are
  trimmed to the smallest bucket holding their longest sentence (`buckets`, by default
  evaluation's `predict.length_buckets`). Sentences are grouped by length first, so short ones
  are not padded to the long ones; the output keeps the input order. Right padding
  (mask 1...1 0...0) is assumed, as our featurizer writes.
  """
  input_ids = np.asarray(input_ids)
  attention_mask = np.asarray(attention_mask)
  n, max_len = input_ids.shape
  buckets = buckets or predict.length_buckets(max_len)
  lengths = attention_mask.sum(axis=1)
  order = np.argsort(lengths, kind='stable')
  out = None
  for start in range(0, n, batch_size):
    rows = order[start:start + batch_size]
    if len(rows) < batch_size:
      rows = np.concatenate([rows, np.full(batch_size - len(rows), rows[0])])
    t = _bucket(int(lengths[rows].max()), buckets, max_len)
    vecs = np.asarray(encode_fn(params, input_ids[rows, :t], attention_mask[rows, :t]))
    if out is None:
      out = np.zeros((n, vecs.shape[1]), np.float32)
    keep = min(batch_size, n - start)
    out[rows[:keep]] = vecs[:keep]
  return out


def tatoeba_predict(source_vecs, english_vecs, *, chunk=4096):
  """For each English sentence, the index of the nearest non-English one by cosine."""
  database = knn_lib.l2_normalize(source_vecs)
  queries = knn_lib.l2_normalize(english_vecs)
  _, inds = knn_lib.knn(queries, database, 1, query_chunk=chunk, db_chunk=chunk)
  return inds[:, 0]


def tatoeba_accuracy(predictions, gold):
  """Top-1 accuracy in percent: predictions[j] == gold[j] (non-English index per English j)."""
  predictions = np.asarray(predictions)
  gold = np.asarray(gold)
  if predictions.shape != gold.shape:
    raise ValueError(f'{predictions.shape[0]} predictions for {gold.shape[0]} gold indices')
  return 100.0 * float((predictions == gold).mean())


def evaluate_tatoeba(corpus, source_vecs, target_vecs, *, chunk=4096):
  """Accuracy (percent) and predictions of one Tatoeba `RetrievalCorpus`.

  Vectors are in the corpus order (`source` = non-English, `target` = English);
  `gold` pairs (source_id, target_id) must give every English sentence its source.
  Returns {'accuracy': ..., 'predictions': [source_id per English sentence]}.
  """
  src_pos = {sid: i for i, sid in enumerate(corpus.source_ids)}
  trg_pos = {tid: j for j, tid in enumerate(corpus.target_ids)}
  gold = np.full(len(corpus.target_ids), -1, np.int64)
  for sid, tid in corpus.gold:
    gold[trg_pos[tid]] = src_pos[sid]
  if (gold < 0).any():
    raise ValueError(f'Tatoeba {corpus.lang}: no gold for English sentences '
                     f'{np.flatnonzero(gold < 0)[:10].tolist()}')
  pred = tatoeba_predict(source_vecs, target_vecs, chunk=chunk)
  return {'accuracy': tatoeba_accuracy(pred, gold),
          'predictions': [corpus.source_ids[i] for i in pred]}

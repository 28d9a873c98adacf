"""The dual encoder's evaluation (Mewsli-X, LAReQA): encode candidates once, search, score.

As XTREME-R's `evaluate_retrieval.py`: every candidate of a corpus is encoded once, then each
query, both by the same encoder (the L2-normalised pooled output, what the model's ranking
head returns as `embedding`), and the top k (20) candidates by cosine similarity are the
prediction (XTREME-R: faiss IndexFlatIP on normalised vectors; here the exact chunked k-NN of
`eval/knn.py`, equal similarities keep the earlier candidate first). Predictions are written
in Mewsli-X's submission format, one JSON file per language, `{query id: [candidate ids,
best first]}`; gold files the same way with the gold ids (`{query id: [gold id, ...]}`, the
format of XTREME-R's `mock_test_data/labels/mewslix`); scored with `metrics.map_at_k`.

The model enters as `predict_fn(params, batch) -> {'embedding': [B, H]}` (the jitted eval
step), so this module never imports train/.
"""

import json
import os

import numpy as np

from xstilts_jax.eval import knn as knn_lib
from xstilts_jax.eval import predict
from xstilts_jax.eval import submission
from xstilts_jax.eval.metrics import ranking as ranking_metrics

TOP_K = 20  # XTREME-R's `map@20` (utils_mewslix.TOP_K)


def embed(predict_fn, params, features, batch_size, sharding=None):
  """[N, H] float32 vectors of featurized rows (batches grouped by length, as every eval run)."""
  outputs = predict.run(predict_fn, params, features, batch_size, sharding, per_token=())
  return np.asarray(outputs['embedding'], np.float32)


def search(query_vecs, candidate_vecs, k=TOP_K, *, chunk=4096):
  """Indices [Nq, min(k, Nc)] of each query's best candidates by inner product (cosine on
  the normalised vectors), best first; equal scores keep the lower candidate index first."""
  k = min(k, len(candidate_vecs))
  _, inds = knn_lib.knn(query_vecs, candidate_vecs, k, query_chunk=chunk, db_chunk=chunk)
  return inds


def to_predictions(corpus, inds):
  """{query id: [candidate ids, best first]} (Mewsli-X's submission format)."""
  ids = list(corpus.candidate_ids)
  return {qid: [ids[j] for j in row] for qid, row in zip(corpus.query_ids, inds.tolist())}


def gold(corpus):
  """{query id: [gold candidate ids]} of the corpus's queries; None when it has no labels."""
  if not corpus.gold:
    return None
  missing = [q for q in corpus.query_ids if q not in corpus.gold]
  if missing:
    raise ValueError(f'ranking corpus {corpus.lang!r}: {len(missing)} of '
                     f'{len(corpus.query_ids)} queries have no gold, e.g. {missing[0]!r}')
  return {q: list(corpus.gold[q]) for q in corpus.query_ids}


def rank_corpus(predict_fn, params, corpus_features, batch_size, sharding=None, *, k=TOP_K):
  """(predictions, metrics or None) of one featurized corpus: candidates encoded once, then
  the queries, then the search. Metrics: {'map@k': percent, 'score': the same}."""
  cand = embed(predict_fn, params, corpus_features.candidates, batch_size, sharding)
  queries = embed(predict_fn, params, corpus_features.queries, batch_size, sharding)
  preds = to_predictions(corpus_features.corpus, search(queries, cand, k))
  labels = gold(corpus_features.corpus)
  if labels is None:
    return preds, None
  m = ranking_metrics.map_at_k(labels, preds, k)
  return preds, dict(m, score=m[f'map@{k}'])


def evaluate(predict_fn, params, corpora_features, batch_size, sharding=None, *, k=TOP_K):
  """Dev metrics (model selection) over featurized corpora: the mean map@k as 'score'."""
  scores = [rank_corpus(predict_fn, params, cf, batch_size, sharding, k=k)[1]
            for cf in corpora_features]
  if any(s is None for s in scores):
    raise ValueError('ranking dev corpus without gold: nothing to select the model on')
  value = float(np.mean([s['score'] for s in scores]))
  return {f'map@{k}': value, 'score': value}


def submission_path(root, task_name, lang):
  """`<root>/<task>/test-<lang>.json`, XTREME's layout (Mewsli-X's json)."""
  return os.path.join(root, task_name, f'test-{lang}.json')


def write(root, task_name, lang, ranked):
  """Writes {query id: [ids]} (predictions or gold) as one language's file; returns its path."""
  if not all(isinstance(q, str) and isinstance(v, list) for q, v in ranked.items()):
    raise ValueError(f'{task_name} {lang}: expected {{query id: [candidate ids]}}')
  text = json.dumps(ranked, ensure_ascii=False) + '\n'
  # The writer of every submission file (temp file + rename).
  path = submission_path(root, task_name, lang)
  return submission._write_text(path, text)  # pylint: disable=protected-access

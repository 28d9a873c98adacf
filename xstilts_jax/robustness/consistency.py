"""Label-free consistency (CheckList's invariance tests): clean vs perturbed predictions.

No gold needed: a robust model predicts the same thing for the perturbed input.
  classification / multiple choice  flip rate: % of examples whose prediction changes
  tagging                           tag agreement: % of words given the same tag
  span QA                           answer F1 of the perturbed answer against the clean one
  retrieval, ranking                change of the gold's rank (and % whose top-1 changes);
                                    ranking: the best gold's rank within the top k, k + 1
                                    when no gold is there (the search keeps only k)
"""

import numpy as np

from xstilts_jax.eval.metrics import mlqa as mlqa_lib
from xstilts_jax.eval.metrics import squad as squad_lib


def consistency(task, clean, perturbed, lang):
  """{name: value} for the task's format; clean / perturbed in eval's prediction form."""
  if task.format in ('classification', 'multiple_choice'):
    flips = [a != b for a, b in zip(clean, perturbed)]
    return {'flip_rate': 100.0 * float(np.mean(flips)) if flips else 0.0}
  if task.format == 'tagging':
    pairs = [(a, b) for s, t in zip(clean, perturbed) for a, b in zip(s, t)]
    same = [a == b for a, b in pairs]
    return {'tag_agreement': 100.0 * float(np.mean(same)) if same else 100.0}
  if task.format == 'span_qa':
    f1 = (lambda p, t: mlqa_lib.mlqa_f1(p, t, lang)) if task.metric == 'mlqa_f1_em' \
        else squad_lib.squad_f1
    values = [f1(perturbed.get(k, ''), v) if v.strip() or perturbed.get(k, '').strip()
              else 1.0 for k, v in clean.items()]
    return {'answer_f1': 100.0 * float(np.mean(values)) if values else 100.0}
  raise ValueError(f'{task.name}: no consistency measure for format {task.format!r}')


def gold_ranks(query_vecs, database_vecs, gold):
  """1-based rank of database row gold[j] for query j, by cosine similarity."""
  q = query_vecs / np.maximum(np.linalg.norm(query_vecs, axis=1, keepdims=True), 1e-12)
  d = database_vecs / np.maximum(np.linalg.norm(database_vecs, axis=1, keepdims=True), 1e-12)
  sims = q @ d.T
  gold = np.asarray(gold)
  own = sims[np.arange(len(gold)), gold]
  return 1 + (sims > own[:, None]).sum(1)


def gold_rank_in_top(gold, predictions, k):
  """[Nq] 1-based rank of each query's best-ranked gold in its top-k list, k + 1 if absent."""
  ranks = []
  for q, golds in gold.items():
    top = list(predictions.get(q, []))[:k]
    ranks.append(min([top.index(g) + 1 for g in golds if g in top], default=k + 1))
  return np.asarray(ranks, np.int64)


def rank_change(clean_ranks, perturbed_ranks):
  clean_ranks, perturbed_ranks = np.asarray(clean_ranks), np.asarray(perturbed_ranks)
  return {'mean_rank_change': float(np.mean(perturbed_ranks - clean_ranks)),
          'top1_changed': 100.0 * float(np.mean((clean_ranks == 1) != (perturbed_ranks == 1)))}

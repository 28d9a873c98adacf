"""BUCC 2018 bitext mining with the ratio margin (Artetxe and Schwenk 2019).

Directions: x = source = the non-English side, y = target = English; pairs and gold
are (source_id, target_id), as in BUCC's `.gold` files and XTREME's `mine_bitext`.

Steps, following LASER's / XTREME's `mine_bitext` with retrieval='max', margin='ratio':
1. duplicate sentences are dropped per side (the search runs on unique texts);
2. k nearest neighbours (cosine) of every x in y and of every y in x;
3. margin(x, y) = cos(x, y) / ((mean_knn(x) + mean_knn(y)) / 2), scored for the k
   neighbours of each sentence; its best one is its candidate;
4. the forward (one per x) and backward (one per y) candidates are pooled and accepted
   greedily by decreasing score, each sentence at most once; candidates with score <=
   `min_score` (XTREME: 0) are not emitted but still use up their sentences;
5. an accepted pair of unique texts counts for every (source_id, target_id) whose texts
   they are;
6. the threshold is the best-F1 cut of the dev ("sample") candidates, placed midway to
   the next lower score, then applied to the test ("training") candidates (score >= t).

Differences from XTREME's code, on purpose:
- XTREME's evaluation drops every text that occurs more than once (`read_sent2id`); we
  keep all ids of a duplicated text (step 5).
- XTREME may cut the dev ranking between equal scores, a cut no threshold can realise;
  we only cut after the last of equal scores. Where the best cut is after the lowest
  candidate (XTREME: IndexError) the threshold is that lowest score.
- XTREME's public script never applied the dev threshold to test; we do.
- Neighbour similarities come from the search itself, not recomputed per pair.
"""

import numpy as np

from xstilts_jax.eval import knn as knn_lib


def unify(texts):
  """(unique index of each row [N], first row of each unique text [U])."""
  first = {}
  index = np.empty(len(texts), np.int64)
  for row, text in enumerate(texts):
    index[row] = first.setdefault(text, len(first))
  return index, np.fromiter(first.values(), np.int64, len(first))


def margin_candidates(x, y, k=4, *, knn_fn=knn_lib.knn_both):
  """Pooled best forward and backward candidates of L2-normalised x [Nx, d], y [Ny, d].

  `knn_fn(x, y, k) -> (x2y_sims, x2y_inds, y2x_sims, y2x_inds)` (injectable, so the
  benchmark can run the same margin code on faiss). Returns (src, trg, scores) of length
  Nx + Ny: forward candidates first (src = 0..Nx-1), then backward (trg = 0..Ny-1).
  """
  k = min(k, len(x), len(y))
  x2y_s, x2y_i, y2x_s, y2x_i = knn_fn(x, y, k)
  # float64 margins: fewer exact ties between near-equal candidates.
  x2y_mean = x2y_s.astype(np.float64).mean(axis=1)
  y2x_mean = y2x_s.astype(np.float64).mean(axis=1)
  fwd = x2y_s / ((x2y_mean[:, None] + y2x_mean[x2y_i]) / 2)
  bwd = y2x_s / ((y2x_mean[:, None] + x2y_mean[y2x_i]) / 2)
  fwd_pick = fwd.argmax(axis=1)
  bwd_pick = bwd.argmax(axis=1)
  rows_x = np.arange(len(x))
  rows_y = np.arange(len(y))
  src = np.concatenate([rows_x, y2x_i[rows_y, bwd_pick]])
  trg = np.concatenate([x2y_i[rows_x, fwd_pick], rows_y])
  scores = np.concatenate([fwd[rows_x, fwd_pick], bwd[rows_y, bwd_pick]])
  return src, trg, scores


def greedy_one_to_one(src, trg, scores, *, min_score=0.0):
  """Accept candidates by decreasing score, each src and trg at most once.

  Returns the accepted (src, trg, scores) with score > min_score, best first; equal
  scores keep pool order (stable sort).
  """
  seen_src = np.zeros(int(src.max()) + 1 if len(src) else 0, bool)
  seen_trg = np.zeros(int(trg.max()) + 1 if len(trg) else 0, bool)
  keep = []
  for i in np.argsort(-scores, kind='stable'):
    s, t = src[i], trg[i]
    if seen_src[s] or seen_trg[t]:
      continue
    seen_src[s] = seen_trg[t] = True
    if scores[i] > min_score:
      keep.append(i)
  keep = np.asarray(keep, np.int64)
  return src[keep], trg[keep], scores[keep]


def mine(source_vecs, source_texts, source_ids, target_vecs, target_texts, target_ids, *,
         k=4, knn_fn=knn_lib.knn_both, min_score=0.0):
  """Mined candidate pairs {(source_id, target_id): margin score} of one corpus pair."""
  src_index, src_first = unify(source_texts)
  trg_index, trg_first = unify(target_texts)
  x = knn_lib.l2_normalize(np.asarray(source_vecs)[src_first])
  y = knn_lib.l2_normalize(np.asarray(target_vecs)[trg_first])
  src, trg, scores = greedy_one_to_one(*margin_candidates(x, y, k, knn_fn=knn_fn),
                                       min_score=min_score)
  src_ids_of = _ids_per_unique(src_index, source_ids, len(src_first))
  trg_ids_of = _ids_per_unique(trg_index, target_ids, len(trg_first))
  pairs = {}
  for s, t, score in zip(src, trg, scores):
    for sid in src_ids_of[s]:
      for tid in trg_ids_of[t]:
        pairs[(sid, tid)] = float(score)
  return pairs


def _ids_per_unique(index, ids, n_unique):
  out = [[] for _ in range(n_unique)]
  for row, u in enumerate(index):
    out[u].append(ids[row])
  return out


def best_threshold(candidates, gold):
  """Score threshold of the best-F1 cut of `candidates` against `gold` pairs.

  Cuts fall only between distinct scores; the threshold is midway between the lowest
  kept score and the next one (the lowest score itself when all are kept). Among equal
  F1 the highest threshold wins. With no gold candidate nothing is kept (inf).
  """
  gold = set(gold)
  items = sorted(candidates.items(), key=lambda kv: -kv[1])
  if not items:
    return float('inf')
  scores = np.array([s for _, s in items], np.float64)
  correct = np.cumsum([pair in gold for pair, _ in items])
  f1 = 2.0 * correct / (np.arange(1, len(items) + 1) + len(gold))
  cut_ok = np.append(scores[1:] != scores[:-1], True)  # after the last of equal scores
  f1 = np.where(cut_ok & (correct > 0), f1, -1.0)
  i = int(np.argmax(f1))
  if f1[i] < 0:
    return float('inf')
  return float((scores[i] + scores[i + 1]) / 2) if i + 1 < len(items) else float(scores[i])


def extract(candidates, threshold):
  """Candidate pairs with score >= threshold, best first."""
  kept = [(pair, s) for pair, s in candidates.items() if s >= threshold]
  return [pair for pair, _ in sorted(kept, key=lambda kv: -kv[1])]


def precision_recall_f1(predicted, gold):
  """Percent precision, recall, F1 of predicted pairs against gold pairs."""
  predicted, gold = set(predicted), set(gold)
  correct = len(predicted & gold)
  if correct == 0:
    return {'precision': 0.0, 'recall': 0.0, 'f1': 0.0}
  p = correct / len(predicted)
  r = correct / len(gold)
  return {'precision': 100 * p, 'recall': 100 * r, 'f1': 100 * 2 * p * r / (p + r)}


def evaluate_bucc(dev, test, *, k=4, knn_fn=knn_lib.knn_both):
  """Threshold on dev, precision/recall/F1 on test.

  `dev` and `test` are (corpus, source_vecs, target_vecs) with `corpus` a
  `RetrievalCorpus` (source = non-English, target = English, gold (source_id,
  target_id)). Returns precision, recall, f1 (percent), threshold, dev_f1, and the
  mined test pairs (best first).
  """
  def candidates(corpus, source_vecs, target_vecs):
    return mine(source_vecs, corpus.source, corpus.source_ids, target_vecs, corpus.target,
                corpus.target_ids, k=k, knn_fn=knn_fn)

  dev_corpus = dev[0]
  dev_candidates = candidates(*dev)
  threshold = best_threshold(dev_candidates, _pairs(dev_corpus.gold))
  dev_f1 = precision_recall_f1(extract(dev_candidates, threshold), _pairs(dev_corpus.gold))['f1']
  test_pairs = extract(candidates(*test), threshold)
  result = precision_recall_f1(test_pairs, _pairs(test[0].gold))
  result.update(threshold=threshold, dev_f1=dev_f1, pairs=test_pairs)
  return result


def _pairs(gold):
  return {tuple(p) for p in gold}

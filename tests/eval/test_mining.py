"""BUCC margin mining against a brute-force NumPy reference written like LASER's loops."""

import numpy as np
import pytest

from xstilts_jax.eval import knn as knn_lib
from xstilts_jax.eval import mining
from xstilts_jax.tasks.examples import RetrievalCorpus

# Margins from chunked float32 search vs one float64 matmul: equal within this.
RTOL = 1e-5


def _reference_mine(x, y, k, min_score=0.0):
  """Full similarity matrix, per-pair scoring loop and set-based greedy (LASER 'max')."""
  x = x / np.linalg.norm(x, axis=1, keepdims=True)
  y = y / np.linalg.norm(y, axis=1, keepdims=True)
  sims = x.astype(np.float64) @ y.astype(np.float64).T
  x2y_ind = np.argsort(-sims, axis=1, kind='stable')[:, :k]
  y2x_ind = np.argsort(-sims.T, axis=1, kind='stable')[:, :k]
  x2y_mean = np.take_along_axis(sims, x2y_ind, axis=1).mean(axis=1)
  y2x_mean = np.take_along_axis(sims.T, y2x_ind, axis=1).mean(axis=1)
  candidates = []
  for i in range(len(x)):
    scores = [sims[i, j] / ((x2y_mean[i] + y2x_mean[j]) / 2) for j in x2y_ind[i]]
    candidates.append((max(scores), i, x2y_ind[i][int(np.argmax(scores))]))
  for j in range(len(y)):
    scores = [sims[i, j] / ((y2x_mean[j] + x2y_mean[i]) / 2) for i in y2x_ind[j]]
    candidates.append((max(scores), y2x_ind[j][int(np.argmax(scores))], j))
  order = sorted(range(len(candidates)), key=lambda c: -candidates[c][0])
  seen_src, seen_trg, mined = set(), set(), []
  for c in order:
    score, i, j = candidates[c]
    if i not in seen_src and j not in seen_trg:
      seen_src.add(i)
      seen_trg.add(j)
      if score > min_score:
        mined.append((int(i), int(j), score))
  return mined


def _reference_threshold(candidates, gold):
  items = sorted(candidates.items(), key=lambda kv: -kv[1])
  best_f1, threshold, correct = 0.0, None, 0
  for n, (pair, score) in enumerate(items, 1):
    correct += pair in gold
    if correct:
      p, r = correct / n, correct / len(gold)
      f1 = 2 * p * r / (p + r)
      if f1 > best_f1:
        best_f1 = f1
        threshold = (score + items[n][1]) / 2 if n < len(items) else score
  return threshold


def _planted(rng, n_src, n_trg, n_pairs, d=32, noise=0.3):
  """Random vectors with n_pairs planted translations (src i <-> trg perm[i])."""
  x = rng.standard_normal((n_src, d)).astype(np.float32)
  y = rng.standard_normal((n_trg, d)).astype(np.float32)
  trg_of = rng.permutation(n_trg)[:n_pairs]
  y[trg_of] = x[:n_pairs] + noise * rng.standard_normal((n_pairs, d)).astype(np.float32)
  return x, y, [(i, int(t)) for i, t in enumerate(trg_of)]


def _small_knn(x, y, k):
  return knn_lib.knn_both(x, y, k, chunk=16)  # 16 divides neither side below


def test_margin_mining_matches_reference():
  rng = np.random.default_rng(0)
  x, y, _ = _planted(rng, 70, 55, 30)
  src, trg, scores = mining.greedy_one_to_one(*mining.margin_candidates(
      knn_lib.l2_normalize(x), knn_lib.l2_normalize(y), 4, knn_fn=_small_knn))
  ref = _reference_mine(x, y, 4)
  assert [(int(s), int(t)) for s, t in zip(src, trg)] == [(i, j) for i, j, _ in ref]
  np.testing.assert_allclose(scores, [s for _, _, s in ref], rtol=RTOL)
  assert len(ref) > 30  # the planted pairs plus some noise pairs were mined


def test_threshold_and_f1_match_reference():
  rng = np.random.default_rng(1)
  x, y, gold = _planted(rng, 60, 60, 25, noise=0.9)
  ids_x, ids_y = [f'de-{i}' for i in range(60)], [f'en-{j}' for j in range(60)]
  cand = mining.mine(x, [f's{i}' for i in range(60)], ids_x, y, [f't{j}' for j in range(60)],
                     ids_y, k=4, knn_fn=_small_knn)
  gold_ids = {(ids_x[i], ids_y[j]) for i, j in gold}
  threshold = mining.best_threshold(cand, gold_ids)
  ref = _reference_threshold(cand, gold_ids)
  assert threshold == pytest.approx(ref, rel=1e-12)
  kept = mining.extract(cand, threshold)
  assert 0 < len(kept) < len(cand)  # a real cut, not all or nothing
  assert all(cand[p] >= threshold for p in kept)


def test_best_threshold_hand_made():
  cand = {('a', '1'): 3.0, ('b', '2'): 2.0, ('c', '3'): 1.5, ('d', '4'): 1.0}
  gold = {('a', '1'), ('b', '2'), ('z', '9')}
  # Prefix F1s: 1/2, 4/5, 4/6, 4/7: cut after 2.0, midway to 1.5.
  assert mining.best_threshold(cand, gold) == 1.75
  # Equal scores cannot be cut apart: cut after both 2.0s.
  cand_tie = {**cand, ('c', '3'): 2.0}
  assert mining.best_threshold(cand_tie, gold) == 1.5
  # Best cut after the lowest score: that score.
  assert mining.best_threshold({('a', '1'): 3.0, ('b', '2'): 2.0}, gold) == 2.0
  assert mining.best_threshold({('q', '1'): 3.0}, gold) == float('inf')


def test_duplicates_searched_once_and_all_ids_count():
  rng = np.random.default_rng(2)
  x, y, _ = _planted(rng, 12, 12, 12, noise=0.05)
  # Source row 5 repeats the text (and so the vector) of row 3.
  src_texts = [f's{i}' for i in range(12)]
  src_texts[5] = src_texts[3]
  x[5] = x[3]
  index, first = mining.unify(src_texts)
  assert index[5] == index[3] and len(first) == 11
  calls = []

  def spy(a, b, k):
    calls.append((len(a), len(b)))
    return _small_knn(a, b, k)

  ids_x, ids_y = [f'x{i}' for i in range(12)], [f'y{j}' for j in range(12)]
  cand = mining.mine(x, src_texts, ids_x, y, [f't{j}' for j in range(12)], ids_y, k=4,
                     knn_fn=spy)
  assert calls == [(11, 12)]
  # Both ids of the duplicated text are paired with its match, with the same score.
  partners = {p for p in cand if p[0] in ('x3', 'x5')}
  assert {p[0] for p in partners} == {'x3', 'x5'}
  assert len({p[1] for p in partners}) == 1
  assert len({cand[p] for p in partners}) == 1


def test_evaluate_bucc_dev_threshold_applied_to_test():
  rng = np.random.default_rng(3)

  def corpus(n, n_pairs, tag):
    x, y, gold = _planted(rng, n, n, n_pairs, noise=0.6)
    src_ids, trg_ids = [f'{tag}-de-{i}' for i in range(n)], [f'{tag}-en-{j}' for j in range(n)]
    c = RetrievalCorpus(lang='de', source_ids=src_ids, source=[f'{tag}s{i}' for i in range(n)],
                        target_ids=trg_ids, target=[f'{tag}t{j}' for j in range(n)],
                        gold=[(src_ids[i], trg_ids[j]) for i, j in gold])
    return c, x, y

  dev, test = corpus(50, 20, 'dev'), corpus(60, 25, 'test')
  res = mining.evaluate_bucc(dev, test, knn_fn=_small_knn)
  dev_cand = mining.mine(dev[1], dev[0].source, dev[0].source_ids, dev[2], dev[0].target,
                         dev[0].target_ids, knn_fn=_small_knn)
  assert res['threshold'] == mining.best_threshold(dev_cand, set(dev[0].gold))
  test_cand = mining.mine(test[1], test[0].source, test[0].source_ids, test[2], test[0].target,
                          test[0].target_ids, knn_fn=_small_knn)
  assert res['pairs'] == mining.extract(test_cand, res['threshold'])
  correct = len(set(res['pairs']) & set(test[0].gold))
  assert res['precision'] == pytest.approx(100 * correct / len(res['pairs']))
  assert res['recall'] == pytest.approx(100 * correct / 25)
  assert 0 < res['f1'] <= 100

"""Chunked JAX k-NN against a brute-force NumPy reference."""

import numpy as np
import pytest

from xstilts_jax.eval import knn as knn_lib

# Chunked float32 dot products may round differently from one NumPy matmul.
ATOL = 1e-5


def _brute_knn(q, db, k):
  sims = q.astype(np.float64) @ db.astype(np.float64).T
  inds = np.argsort(-sims, axis=1, kind='stable')[:, :k]
  return np.take_along_axis(sims, inds, axis=1), inds


def _unit(rng, n, d):
  return knn_lib.l2_normalize(rng.standard_normal((n, d)))


@pytest.mark.parametrize('nq,ndb,cq,cdb', [
    (37, 53, 8, 16),   # neither side divisible by its chunk
    (37, 53, 64, 64),  # one chunk each (chunk clipped to the data)
    (16, 48, 16, 16),  # exact multiples
])
def test_knn_matches_brute_force(nq, ndb, cq, cdb):
  rng = np.random.default_rng(0)
  q, db = _unit(rng, nq, 16), _unit(rng, ndb, 16)
  sims, inds = knn_lib.knn(q, db, 4, query_chunk=cq, db_chunk=cdb)
  ref_sims, ref_inds = _brute_knn(q, db, 4)
  assert sims.shape == (nq, 4) and inds.dtype == np.int64
  np.testing.assert_array_equal(inds, ref_inds)
  np.testing.assert_allclose(sims, ref_sims, atol=ATOL)


def test_knn_both_matches_two_searches():
  rng = np.random.default_rng(1)
  x, y = _unit(rng, 45, 16), _unit(rng, 29, 16)
  x2y_s, x2y_i, y2x_s, y2x_i = knn_lib.knn_both(x, y, 4, chunk=16)
  for (s, i), (q, db) in [((x2y_s, x2y_i), (x, y)), ((y2x_s, y2x_i), (y, x))]:
    ref_s, ref_i = _brute_knn(q, db, 4)
    np.testing.assert_array_equal(i, ref_i)
    np.testing.assert_allclose(s, ref_s, atol=ATOL)


def test_knn_k_equal_to_database_and_ties_prefer_lower_index():
  db = np.array([[1., 0.], [1., 0.], [0., 1.]], np.float32)  # rows 0 and 1 tie
  q = np.array([[1., 0.], [0., 1.]], np.float32)
  sims, inds = knn_lib.knn(q, db, 3, query_chunk=2, db_chunk=2)
  np.testing.assert_array_equal(inds[0], [0, 1, 2])
  np.testing.assert_array_equal(inds[1][0], 2)
  assert np.isfinite(sims).all()


def test_knn_rejects_k_larger_than_database():
  with pytest.raises(ValueError, match='k=5'):
    knn_lib.knn(np.ones((3, 2)), np.ones((4, 2)), 5)

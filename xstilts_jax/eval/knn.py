"""Exact chunked k-nearest-neighbour search by inner product, in JAX.

Retrieval corpora are about 400k sentences a side, so the similarity matrix is never
built: queries and database are cut into fixed-size chunks, each block of similarities
is reduced to its top k at once (`jax.lax.top_k`) and merged into a running top k.
Memory is bounded by the chunk sizes. The last chunk of each side is padded to the
full chunk size and its padded rows are masked with -inf, so one compiled step serves
every block of a search.

On L2-normalised vectors the inner product is the cosine similarity.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

# float32 matmuls on GPU/TPU default to reduced precision (TF32/bf16): ask for full.
_PRECISION = jax.lax.Precision.HIGHEST


def l2_normalize(x, eps=1e-12):
  """Rows scaled to unit L2 norm (float32 numpy); an all-zero row stays zero."""
  x = np.asarray(x, dtype=np.float32)
  norms = np.linalg.norm(x, axis=1, keepdims=True)
  return x / np.maximum(norms, eps)


def _merge(best_s, best_i, new_s, new_i, k):
  """Top k of the union of two candidate lists per row (earlier list wins ties)."""
  s = jnp.concatenate([best_s, new_s], axis=1)
  i = jnp.concatenate([best_i, new_i], axis=1)
  top_s, pos = jax.lax.top_k(s, k)
  return top_s, jnp.take_along_axis(i, pos, axis=1)


def _masked_block(q, db, q_valid, db_valid):
  """Similarities of a query chunk and a database chunk; padded rows/columns -inf."""
  s = jnp.matmul(q, db.T, precision=_PRECISION)
  rows = jnp.arange(q.shape[0])[:, None] < q_valid
  cols = jnp.arange(db.shape[0])[None, :] < db_valid
  return jnp.where(rows & cols, s, -jnp.inf)


@functools.partial(jax.jit, static_argnames=('k',))
def _query_step(best_s, best_i, q, db, db_offset, db_valid, *, k):
  s = _masked_block(q, db, q.shape[0], db_valid)
  s_new, i_new = jax.lax.top_k(s, k)
  return _merge(best_s, best_i, s_new, i_new + db_offset, k)


@functools.partial(jax.jit, static_argnames=('k',))
def _both_step(row_s, row_i, col_s, col_i, x, y, x_offset, y_offset, x_valid,
               y_valid, *, k):
  s = _masked_block(x, y, x_valid, y_valid)
  rs, ri = jax.lax.top_k(s, k)
  row_s, row_i = _merge(row_s, row_i, rs, ri + y_offset, k)
  cs, ci = jax.lax.top_k(s.T, k)
  col_s, col_i = _merge(col_s, col_i, cs, ci + x_offset, k)
  return row_s, row_i, col_s, col_i


def _chunks(x, size):
  """Yields (device chunk of `size` rows, the last zero-padded; offset; valid rows)."""
  for start in range(0, x.shape[0], size):
    part = x[start:start + size]
    valid = part.shape[0]
    if valid < size:
      part = np.concatenate([part, np.zeros((size - valid, x.shape[1]), x.dtype)])
    yield jnp.asarray(part), start, valid


def _empty(rows, k):
  return (jnp.full((rows, k), -jnp.inf, jnp.float32), jnp.full((rows, k), -1, jnp.int32))


def _check(queries, database, k, k_max):
  queries = np.asarray(queries, dtype=np.float32)
  database = np.asarray(database, dtype=np.float32)
  if queries.ndim != 2 or database.ndim != 2 or queries.shape[1] != database.shape[1]:
    raise ValueError(f'need [N, d] and [M, d] arrays, got {queries.shape} and {database.shape}')
  if not 1 <= k <= k_max:
    raise ValueError(f'k={k} must be in [1, {k_max}] for N={len(queries)}, M={len(database)}')
  return queries, database


def _chunk_size(n, chunk, k):
  # Never larger than the data (small inputs), never smaller than k (top_k per block).
  return max(min(chunk, n), k)


def knn(queries, database, k, *, query_chunk=4096, db_chunk=8192):
  """Exact top-k inner-product neighbours of each query row in `database`.

  Returns (sims float32 [N, k], indices int64 [N, k]) sorted by decreasing similarity;
  equal similarities keep the lower database index first.
  """
  queries, database = _check(queries, database, k, len(database))
  cq = min(query_chunk, len(queries))
  # The database stays on device; query chunks are moved there one at a time.
  db_chunks = list(_chunks(database, _chunk_size(len(database), db_chunk, k)))
  results = []
  for q, _, q_valid in _chunks(queries, cq):
    best_s, best_i = _empty(cq, k)
    for db, offset, valid in db_chunks:
      best_s, best_i = _query_step(best_s, best_i, q, db, offset, valid, k=k)
    results.append((best_s, best_i, q_valid))  # no host sync here: dispatch runs ahead
  return _to_host(results)


def _to_host(results):
  sims = np.concatenate([np.asarray(s)[:valid] for s, _, valid in results])
  inds = np.concatenate([np.asarray(i)[:valid] for _, i, valid in results])
  return sims, inds.astype(np.int64)


def knn_both(x, y, k, *, chunk=4096):
  """k-NN of x in y and of y in x from one pass over the blocks of x @ y.T.

  Each similarity block serves both directions (its row top k and its column top k),
  so mining costs one matrix product instead of two.
  Returns (x2y_sims, x2y_inds, y2x_sims, y2x_inds) as `knn` would for each direction.
  """
  x, y = _check(x, y, k, min(len(x), len(y)))
  cx = _chunk_size(len(x), chunk, k)
  cy = _chunk_size(len(y), chunk, k)
  y_chunks = list(_chunks(y, cy))
  cols = [_empty(cy, k) + (valid,) for _, _, valid in y_chunks]
  rows = []
  for xc, x_offset, x_valid in _chunks(x, cx):
    row_s, row_i = _empty(cx, k)
    for j, (yc, y_offset, y_valid) in enumerate(y_chunks):
      row_s, row_i, col_s, col_i = _both_step(
          row_s, row_i, cols[j][0], cols[j][1], xc, yc, x_offset, y_offset, x_valid,
          y_valid, k=k)
      cols[j] = (col_s, col_i, y_valid)
    rows.append((row_s, row_i, x_valid))
  return _to_host(rows) + _to_host(cols)

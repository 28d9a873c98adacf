"""BUCC-style margin mining: our chunked JAX k-NN beside faiss-cpu's exact IndexFlatIP.

Both searches feed the same margin and greedy code (`xstilts_jax.eval.mining`). Each
method runs in its own subprocess so its peak RSS (peak RSS (VmHWM)) is its own;
the data (random unit vectors with planted translation pairs) is rebuilt from the seed
in each. Prints one JSON line per method and a comparison of the mined pairs.

  python bench/mining_bench.py                # 100k x 100k, d=1024
  python bench/mining_bench.py --n 20000      # smaller

faiss is a benchmark-only dependency (`pip install faiss-cpu`), never the package's.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def make_data(n, d, planted, noise, seed):
  """x, y unit vectors [n, d]; y[trg_of[i]] is a noisy copy of x[i] for i < planted."""
  rng = np.random.default_rng(seed)
  x = rng.standard_normal((n, d), dtype=np.float32)
  y = rng.standard_normal((n, d), dtype=np.float32)
  trg_of = rng.permutation(n)[:planted]
  y[trg_of] = x[:planted] + noise * rng.standard_normal((planted, d), dtype=np.float32)
  x /= np.linalg.norm(x, axis=1, keepdims=True)
  y /= np.linalg.norm(y, axis=1, keepdims=True)
  return x, y, trg_of


def faiss_knn_both(x, y, k):
  import faiss  # pylint: disable=g-import-not-at-top
  out = []
  for queries, database in ((x, y), (y, x)):
    index = faiss.IndexFlatIP(database.shape[1])
    index.add(database)
    sims, inds = index.search(queries, k)
    out += [sims, inds.astype(np.int64)]
    del index
  return tuple(out)


def _max_rss_mib():
  # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork + exec, so a
  # subprocess would report its parent's high-water mark.
  with open('/proc/self/status') as f:
    return next(int(l.split()[1]) for l in f if l.startswith('VmHWM:')) / 1024  # kB


def worker(args):
  """One method: search, margin, greedy; writes mined pairs to args.out, prints stats."""
  from xstilts_jax.eval import knn as knn_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.eval import mining  # pylint: disable=g-import-not-at-top

  x, y, trg_of = make_data(args.n, args.d, args.planted, args.noise, args.seed)
  rss_data = _max_rss_mib()
  if args.worker == 'jax':
    knn_fn = lambda a, b, k: knn_lib.knn_both(a, b, k, chunk=args.chunk)
    # Compile outside the timing (one compile for all blocks).
    knn_lib.knn_both(x[:args.chunk + 1], y[:args.chunk + 1], args.k, chunk=args.chunk)
  else:
    knn_fn = faiss_knn_both
  search_time = []

  def timed_knn(a, b, k):
    t0 = time.perf_counter()
    out = knn_fn(a, b, k)
    search_time.append(time.perf_counter() - t0)
    return out

  t0 = time.perf_counter()
  src, trg, scores = mining.greedy_one_to_one(
      *mining.margin_candidates(x, y, args.k, knn_fn=timed_knn))
  total = time.perf_counter() - t0
  np.savez(args.out, src=src, trg=trg, scores=scores)
  planted = {(i, int(t)) for i, t in enumerate(trg_of)}
  found = len(planted & set(zip(src.tolist(), trg.tolist())))
  print(json.dumps({
      'method': args.worker, 'n': args.n, 'd': args.d, 'search_s': round(search_time[0], 2),
      'margin_and_greedy_s': round(total - search_time[0], 2), 'total_s': round(total, 2),
      'peak_rss_mib': round(_max_rss_mib()), 'rss_after_data_mib': round(rss_data),
      'mined_pairs': int(len(src)), 'planted_found': f'{found}/{len(planted)}'}), flush=True)


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--n', type=int, default=100_000, help='sentences per side')
  parser.add_argument('--d', type=int, default=1024)
  parser.add_argument('--k', type=int, default=4)
  parser.add_argument('--planted', type=int, default=None, help='planted pairs (default n/10)')
  parser.add_argument('--noise', type=float, default=1.0,
                      help='per-dimension noise std of a planted copy (the vectors are standard '
                           'normal before normalising): cosine about 1/sqrt(1 + noise^2)')
  parser.add_argument('--chunk', type=int, default=4096, help='JAX block size (rows per side)')
  parser.add_argument('--seed', type=int, default=0)
  parser.add_argument('--methods', default='jax,faiss')
  parser.add_argument('--worker', choices=['jax', 'faiss'], help=argparse.SUPPRESS)
  parser.add_argument('--out', help=argparse.SUPPRESS)
  args = parser.parse_args()
  if args.planted is None:
    args.planted = args.n // 10
  if args.worker:
    return worker(args)

  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env = dict(os.environ, PYTHONPATH=repo + os.pathsep + os.environ.get('PYTHONPATH', ''))
  results = {}
  with tempfile.TemporaryDirectory() as tmp:
    for method in args.methods.split(','):
      out = os.path.join(tmp, f'{method}.npz')
      cmd = [sys.executable, os.path.abspath(__file__), '--worker', method, '--out', out]
      for flag in ('n', 'd', 'k', 'planted', 'noise', 'chunk', 'seed'):
        cmd += [f'--{flag}', str(getattr(args, flag))]
      subprocess.run(cmd, check=True, env=env)
      results[method] = dict(np.load(out))
  if len(results) == 2:
    (name_a, a), (name_b, b) = results.items()
    score_a = dict(zip(zip(a['src'].tolist(), a['trg'].tolist()), a['scores'].tolist()))
    score_b = dict(zip(zip(b['src'].tolist(), b['trg'].tolist()), b['scores'].tolist()))
    common = score_a.keys() & score_b.keys()
    print(json.dumps({
        'same_mined_pairs': score_a.keys() == score_b.keys(),
        f'only_{name_a}': len(score_a.keys() - common),
        f'only_{name_b}': len(score_b.keys() - common),
        'max_abs_score_diff': max((abs(score_a[p] - score_b[p]) for p in common), default=None),
    }))


if __name__ == '__main__':
  main()

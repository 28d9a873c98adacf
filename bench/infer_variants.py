"""Zero-shot forward: the attention as written (heads as a batch dimension, jnp.matmul) vs the
einsum it replaced vs a fused QKV projection vs `jax.nn.dot_product_attention`, one process,
alternating rounds (an experiment, not a test).

  python bench/infer_variants.py [--rounds 7 --batch 16 --seq 128]

Each variant replaces `models.xlmr.SelfAttention` while its forward is traced (same parameters,
same layout: the fused one concatenates the existing query/key/value kernels inside the jitted
forward, so HF import/export is untouched). Prints, per variant, the largest difference of its
logits from the model's, and the medians of wall and process CPU seconds per forward (CPU
seconds are steadier when other jobs share the cores). Hidden 768 x 2 layers, 12 heads, fp32;
half of the batch has its second half padded, so the mask is exercised.
"""

import argparse
import os
import statistics
import sys
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from xstilts_jax.models import HeadSpec, Model  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.models import xlmr  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.models.config import XLMRConfig  # noqa: E402  pylint: disable=g-import-not-at-top
from xstilts_jax.train.steps import make_eval_step  # noqa: E402  pylint: disable=g-import-not-at-top

AS_WRITTEN = xlmr.SelfAttention


def variant(fused: bool, fused_attention: bool):
  class Attention(AS_WRITTEN):

    @nn.compact
    def __call__(self, x, bias, deterministic):
      c = self.config
      heads, head_dim = c.num_attention_heads, c.head_dim
      names = ('query', 'key', 'value')
      projections = [nn.DenseGeneral(
          (heads, head_dim), dtype=c.dtype, param_dtype=c.param_dtype,
          kernel_init=xlmr.normal_init(c, ('embed', 'heads', 'kv')),
          bias_init=xlmr.zeros(('heads', 'kv')), name=n) for n in names]
      if fused:  # one matmul against the three kernels stacked [H, 3, N, D]
        params = [self.scope.get_variable('params', n) for n in names]
        kernel = jnp.stack([p['kernel'] for p in params], 1)
        qkv = jnp.einsum('bth,hsnd->sbtnd', x, kernel) + jnp.stack(
            [p['bias'] for p in params])[:, None, None]
        q, k, v = qkv[0], qkv[1], qkv[2]
      else:
        q, k, v = (p(x) for p in projections)
      if fused_attention:
        out = jax.nn.dot_product_attention(q, k, v, bias=bias, implementation='xla')
      else:
        scores = jnp.einsum('bqnd,bknd->bnqk', q, k) / jnp.sqrt(head_dim).astype(q.dtype)
        probs = jax.nn.softmax(scores.astype(jnp.float32) + bias, axis=-1).astype(c.dtype)
        out = jnp.einsum('bnqk,bknd->bqnd', probs, v)
      return nn.DenseGeneral(c.hidden_size, axis=(-2, -1), dtype=c.dtype,
                             param_dtype=c.param_dtype,
                             kernel_init=xlmr.normal_init(c, ('heads', 'kv', 'embed')),
                             bias_init=xlmr.zeros(('embed',)), name='out')(out)
  return Attention


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--rounds', type=int, default=7)
  parser.add_argument('--batch', type=int, default=16)
  parser.add_argument('--seq', type=int, default=128)
  args = parser.parse_args()
  config = XLMRConfig(vocab_size=8000, hidden_size=768, num_hidden_layers=2,
                      num_attention_heads=12, intermediate_size=3072)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  params = model.init_params(jax.random.PRNGKey(0), seq_len=8)
  rng = np.random.default_rng(0)
  ids = rng.integers(3, 8000, (args.batch, args.seq)).astype(np.int32)
  ids[:, 0] = 0
  mask = np.ones_like(ids)
  mask[args.batch // 2:, args.seq // 2:] = 0
  ids[mask == 0] = config.pad_token_id
  inputs = {'input_ids': ids, 'attention_mask': mask}
  variants = {'as written': None, 'einsum attention (before)': (False, False),
              'fused qkv': (True, False),
              'dot_product_attention': (False, True), 'both': (True, True)}
  fns = {}
  try:
    for name, flags in variants.items():
      xlmr.SelfAttention = AS_WRITTEN if flags is None else variant(*flags)
      fns[name] = jax.jit(make_eval_step(model, 'nli')).lower(params, inputs).compile()
  finally:
    xlmr.SelfAttention = AS_WRITTEN
  reference = np.asarray(fns['as written'](params, inputs)['logits'])
  wall, cpu = {n: [] for n in fns}, {n: [] for n in fns}
  for _ in range(args.rounds):
    for name, fn in fns.items():
      start, start_cpu = time.perf_counter(), time.process_time()
      jax.block_until_ready(fn(params, inputs))
      wall[name].append(time.perf_counter() - start)
      cpu[name].append(time.process_time() - start_cpu)
  base = statistics.median(cpu['as written'])
  print(f'load average {os.getloadavg()[0]:.1f}; batch {args.batch} x {args.seq}')
  for name, fn in fns.items():
    diff = float(np.abs(np.asarray(fn(params, inputs)['logits']) - reference).max())
    print(f'{name:24s} max |logits diff| {diff:.2e}  wall {statistics.median(wall[name]):.3f} s  '
          f'cpu {statistics.median(cpu[name]):.3f} s  (cpu speedup {base / statistics.median(cpu[name]):.2f})')


if __name__ == '__main__':
  main()

"""Train step on a GPU: ours (bf16 compute, fp32 master weights) vs PyTorch eager and
torch.compile (autocast bf16, fp32 weights), XLM-R Large shape (not a test).

  python bench/gpu_train_step.py                 # XLM-R Large, seq 128 and 384
  python bench/gpu_train_step.py --tiny          # tiny shape, runs on CPU (plumbing check)

Imports only jax, flax, optax, numpy, torch, transformers and our models/train code (which
pulls in none of ml_collections, datasets, tensorboardX). Each round runs every side once
(alternating); medians after 2 warm-up steps. MFU = (6 x non-embedding params x tokens +
12 x layers x seq x hidden x tokens) / time / peak (989 TFLOP/s dense bf16 for H100/H200 unless
--peak_tflops). Peak memory: jax `memory_stats()['peak_bytes_in_use']` and
`torch.cuda.max_memory_allocated()` (on CPU: not reported).
Prints one JSON line per (seq, side).
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jax  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from xstilts_jax.models import HeadSpec, Model, hf_state_dict  # noqa: E402
from xstilts_jax.models.config import preset  # noqa: E402
from xstilts_jax.parallel.mesh import make_mesh  # noqa: E402
from xstilts_jax.train import state as state_lib  # noqa: E402
from xstilts_jax.train.optimizer import make_optimizer  # noqa: E402
from xstilts_jax.train.steps import make_train_step  # noqa: E402


def flops_per_token(config, seq):
  h, f, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
  non_embed = layers * (4 * h * h + 2 * h * f) + h * h
  return 6 * non_embed + 12 * layers * seq * h


def ours(config, params, model, ids, mask, labels):
  tx = make_optimizer(1e-5, total_steps=1000)
  init = lambda r: model.init(r, {'input_ids': ids[:1, :8], 'attention_mask': mask[:1, :8]},
                              'nli')['params']
  state, _ = state_lib.create_train_state(init, tx, jax.random.PRNGKey(1), make_mesh(),
                                          params=params)
  step = jax.jit(make_train_step(model, tx, 'nli', 'classification'), donate_argnums=0)
  batch = jax.device_put({'input_ids': ids, 'attention_mask': mask, 'label': labels})
  holder = [state]

  def run():
    holder[0], metrics = step(holder[0], batch)
    jax.block_until_ready(metrics['loss'])
  return run


def theirs(config, params, ids, mask, labels, device, compiled):
  hf_config = transformers.XLMRobertaConfig(
      vocab_size=config.vocab_size, hidden_size=config.hidden_size,
      num_hidden_layers=config.num_hidden_layers, num_attention_heads=config.num_attention_heads,
      intermediate_size=config.intermediate_size, max_position_embeddings=514, type_vocab_size=1,
      layer_norm_eps=1e-5, pad_token_id=1, num_labels=3, attn_implementation='sdpa')
  ref = transformers.XLMRobertaForSequenceClassification(hf_config)
  weights = {k: torch.from_numpy(np.array(v)) for k, v in
             hf_state_dict(config, {'encoder': params['encoder'], 'heads': {}}).items()}
  missing, _ = ref.load_state_dict(weights, strict=False)
  if [m for m in missing if not m.startswith('classifier.')]:
    raise RuntimeError(f'torch weights not set from ours: {missing}')
  ref.to(device).train()
  opt = torch.optim.AdamW(ref.parameters(), lr=1e-5, eps=1e-8, weight_decay=0.01)
  t_ids, t_mask, t_labels = (torch.from_numpy(a).long().to(device) for a in (ids, mask, labels))
  forward = torch.compile(ref) if compiled else ref
  autocast_device = 'cuda' if device.startswith('cuda') else 'cpu'

  def run():
    opt.zero_grad(set_to_none=True)
    with torch.autocast(autocast_device, dtype=torch.bfloat16):
      loss = forward(input_ids=t_ids, attention_mask=t_mask, labels=t_labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
    opt.step()
    loss.item()
  return run, ref, opt


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--tiny', action='store_true')
  parser.add_argument('--seqs', default='128,384')
  parser.add_argument('--batch', type=int, default=None, help='default 32 (tiny: 2)')
  parser.add_argument('--rounds', type=int, default=None, help='default 10 (tiny: 2)')
  parser.add_argument('--sides', default='ours,torch_eager,torch_compile')
  parser.add_argument('--peak_tflops', type=float, default=989.0)
  args = parser.parse_args(argv)
  batch, rounds = args.batch or (2 if args.tiny else 32), args.rounds or (2 if args.tiny else 10)
  device = 'cuda' if torch.cuda.is_available() else 'cpu'
  overrides = dict(dtype='bfloat16', param_dtype='float32')
  config = preset('tiny', **overrides) if args.tiny else preset('xlmr_large', **overrides)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  params = model.init_params(jax.random.PRNGKey(0), seq_len=8)
  results = []
  for seq in [int(s) for s in args.seqs.split(',')]:
    rng = np.random.default_rng(0)
    ids = rng.integers(3, config.vocab_size, (batch, seq)).astype(np.int32)
    ids[:, 0] = 0
    mask = np.ones_like(ids)
    labels = rng.integers(0, 3, batch).astype(np.int32)
    runs = {}
    for side in args.sides.split(','):
      if side == 'ours':
        runs[side] = ours(config, params, model, ids, mask, labels)
      else:
        runs[side] = theirs(config, params, ids, mask, labels, device, side == 'torch_compile')[0]
      for _ in range(2):
        runs[side]()  # compile and warm up
    times = {side: [] for side in runs}
    for _ in range(rounds):
      for side, run in runs.items():
        start = time.perf_counter()
        run()
        times[side].append(time.perf_counter() - start)
    peak = {}
    stats = jax.devices()[0].memory_stats() or {}
    if 'peak_bytes_in_use' in stats:
      peak['ours'] = stats['peak_bytes_in_use'] / 2**30
    if device == 'cuda':
      peak['torch'] = torch.cuda.max_memory_allocated() / 2**30  # both torch sides together
    for side, ts in times.items():
      median = statistics.median(ts)
      tokens_per_s = batch * seq / median
      line = {'side': side, 'seq': seq, 'batch': batch, 'step_s': median,
              'tokens_per_s': tokens_per_s,
              'mfu': tokens_per_s * flops_per_token(config, seq) / (args.peak_tflops * 1e12),
              'peak_gib': peak.get('ours' if side == 'ours' else 'torch'),
              'device': str(jax.devices()[0].device_kind) if side == 'ours' else device,
              'shape': 'tiny' if args.tiny else 'xlmr_large'}
      print(json.dumps(line), flush=True)
      results.append(line)
    del runs
  return results


if __name__ == '__main__':
  main()

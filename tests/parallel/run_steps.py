"""Trains the tiny model a few steps on given meshes; prints one JSON line of results per mesh.

Run in a subprocess (device count / jax.distributed must be set before JAX starts):
  python tests/parallel/run_steps.py --meshes 1,1,1:8,1,1 --steps 3
  python tests/parallel/run_steps.py --meshes 1,1,1:1,8,1 --steps 2 --pre_layer_norm
  python tests/parallel/run_steps.py --meshes 1,4,1 --coordinator 127.0.0.1:PORT \
      --num_processes 2 --process_id 0
The global batch is the same numpy array in every process; each process feeds only its rows.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))

from xstilts_jax.parallel import global_batch  # noqa: E402  (before JAX starts its backends)


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--meshes', default='1,1,1')
  p.add_argument('--steps', type=int, default=3)
  p.add_argument('--coordinator', default=None)
  p.add_argument('--num_processes', type=int, default=None)
  p.add_argument('--process_id', type=int, default=None)
  p.add_argument('--pre_layer_norm', action='store_true', help='the XLM-R XL/XXL layout')
  args = p.parse_args()
  global_batch.maybe_initialize_distributed(args.coordinator, args.num_processes,
                                            args.process_id, initialization_timeout=60)

  import flax.linen as nn
  import jax
  import orbax.checkpoint as ocp
  import jax.numpy as jnp
  import numpy as np
  from xstilts_jax.models.config import preset
  from xstilts_jax.models.model import HeadSpec, Model
  from xstilts_jax.parallel import mesh as mesh_lib
  from xstilts_jax.parallel import rules as rules_lib
  from xstilts_jax.train import state as state_lib
  from xstilts_jax.train import steps
  from xstilts_jax.train.optimizer import make_optimizer

  cache = os.environ.get('XSTILTS_TEST_JAX_CACHE')
  if cache:
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.5)

  # vocab_size divisible by the tensor/fsdp splits tested.
  config = preset('tiny', vocab_size=1024, pre_layer_norm=args.pre_layer_norm)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  tx = make_optimizer(1e-3, total_steps=10, warmup_fraction=0.1, weight_decay=0.01)
  init_params = lambda r: model.init_params(r, seq_len=16, boxed=True)  # noqa: E731

  batch_size, seq_len, n_steps = 8, 16, args.steps
  data = np.random.RandomState(0)
  batches = []
  for _ in range(n_steps):
    ids = data.randint(3, config.vocab_size, (batch_size, seq_len)).astype(np.int32)
    lengths = data.randint(4, seq_len + 1, (batch_size,))
    mask = (np.arange(seq_len)[None] < lengths[:, None]).astype(np.int32)
    ids = np.where(mask > 0, ids, config.pad_token_id).astype(np.int32)
    ids[:, 0] = config.bos_token_id
    label = data.randint(0, 3, (batch_size,)).astype(np.int32)
    label[0] = -1  # one unlabelled row: excluded from the mean
    batches.append({'input_ids': ids, 'attention_mask': mask, 'label': label})

  for spec in args.meshes.split(':'):
    shape = tuple(int(s) for s in spec.split(','))
    n = int(np.prod(shape))
    # A mesh that fits in this process uses local devices only (the one-process reference).
    devices = jax.local_devices() if n <= jax.local_device_count() else jax.devices()
    mesh = mesh_lib.make_mesh(shape, devices=devices[:n])
    state, shardings = state_lib.create_train_state(init_params, tx, jax.random.PRNGKey(0), mesh)
    train_step = steps.jit_train_step(
        steps.make_train_step(model, tx, 'nli', 'classification'), shardings, mesh)
    batch_sh = rules_lib.batch_sharding(mesh)
    rows = global_batch.process_rows(batch_sh, batch_size)
    gbatches = [global_batch.make_global_batch({k: v[rows] for k, v in b.items()}, batch_sh,
                                               batch_size) for b in batches]
    # Compile ahead, then meet at a coordination-service barrier: gloo (CPU collectives) gives
    # up after 30 s when one process reaches its first collective long before the other.
    with nn.logical_axis_rules(rules_lib.DEFAULT_RULES):
      compiled = train_step.jitted.lower(state, gbatches[0]).compile()
    ocp.multihost.get_barrier_sync_fn()(key=f'compiled_{spec}', timeout_ms=300_000)
    losses = []
    for gb in gbatches:
      with nn.logical_axis_rules(rules_lib.DEFAULT_RULES):
        state, metrics = compiled(state, gb)
      losses.append(float(metrics['loss']))
    emb = state.params['encoder']['embeddings']['word_embeddings']['embedding']
    mu = state.opt_state[1][0].mu['encoder']['embeddings']['word_embeddings']['embedding']
    ffn = state.params['encoder']['layer_0']['intermediate']['kernel']  # [embed, mlp]
    ffn_mu = state.opt_state[1][0].mu['encoder']['layer_0']['intermediate']['kernel']
    param_sq = jax.jit(lambda t: sum(jnp.vdot(x, x) for x in jax.tree.leaves(t)),
                       out_shardings=rules_lib.replicated(mesh))(state.params)
    print('RESULT ' + json.dumps({
        'mesh': list(shape), 'process': jax.process_index(), 'losses': losses,
        'pre_layer_norm': 'final_norm' in state.params['encoder'],
        'param_sq': float(param_sq),
        'emb_total_bytes': int(emb.nbytes), 'emb_shard_bytes': rules_lib.shard_bytes(emb),
        'mu_shard_bytes': rules_lib.shard_bytes(mu),
        'ffn_total_bytes': int(ffn.nbytes), 'ffn_shard_bytes': rules_lib.shard_bytes(ffn),
        'ffn_mu_shard_bytes': rules_lib.shard_bytes(ffn_mu),
        'emb_spec': str(emb.sharding.spec), 'mu_spec': str(mu.sharding.spec)}), flush=True)


if __name__ == '__main__':
  main()

"""Trains the tiny dual encoder (format 'ranking') a few steps on given meshes; prints one JSON
line per mesh. Run in a subprocess with XLA_FLAGS=--xla_force_host_platform_device_count=8:
  python tests/parallel/run_ranking_steps.py --meshes 1,1,1:8,1,1 --steps 2
With 8 rows on 8 devices each device holds one query and one candidate: a loss over each
device's own rows would be 0, so a loss equal to the one-device run's means every query met
the candidates of all devices. The numpy loss of the first batch comes from the first mesh's
model outputs (every mesh starts from the same parameters).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--meshes', default='1,1,1')
  p.add_argument('--steps', type=int, default=3)
  args = p.parse_args()

  import jax
  import numpy as np
  from xstilts_jax.models.config import preset
  from xstilts_jax.models.model import HeadSpec, Model
  from xstilts_jax.parallel import global_batch
  from xstilts_jax.parallel import mesh as mesh_lib
  from xstilts_jax.parallel import rules as rules_lib
  from xstilts_jax.train import state as state_lib
  from xstilts_jax.train import steps
  from xstilts_jax.train.optimizer import make_optimizer

  cache = os.environ.get('XSTILTS_TEST_JAX_CACHE')
  if cache:
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.5)

  config = preset('tiny', vocab_size=1024, hidden_dropout_prob=0.0,
                  attention_probs_dropout_prob=0.0)
  model = Model(config, (HeadSpec('rank', 'ranking'),))
  tx = make_optimizer(1e-3, total_steps=10, warmup_fraction=0.1, weight_decay=0.01)
  init_params = lambda r: model.init_params(r, seq_len=16, boxed=True)  # noqa: E731

  data = np.random.RandomState(0)

  def rows(n, length):
    ids = data.randint(3, config.vocab_size, (n, length)).astype(np.int32)
    mask = (np.arange(length)[None] < data.randint(3, length + 1, (n, 1))).astype(np.int32)
    ids = np.where(mask > 0, ids, config.pad_token_id).astype(np.int32)
    ids[:, 0] = config.bos_token_id
    return ids, mask

  batches = []
  for _ in range(args.steps):
    (q, qm), (c, cm) = rows(8, 8), rows(8, 8)
    batches.append(dict(input_ids=q, attention_mask=qm, candidate_input_ids=c,
                        candidate_attention_mask=cm))

  ref = None
  for spec in args.meshes.split(':'):
    shape = tuple(int(s) for s in spec.split(','))
    mesh = mesh_lib.make_mesh(shape, devices=jax.devices()[:int(np.prod(shape))])
    state, shardings = state_lib.create_train_state(init_params, tx, jax.random.PRNGKey(0), mesh)
    if ref is None:  # the numpy loss of the first batch, from the model's embeddings (float64)
      # Candidates as long as the queries take one encoder pass over both; padded to 12
      # columns they take a pass of their own: the same vectors either way.
      b0 = batches[0]
      padded = dict(b0, candidate_input_ids=np.pad(b0['candidate_input_ids'], ((0, 0), (0, 4)),
                                                   constant_values=config.pad_token_id),
                    candidate_attention_mask=np.pad(b0['candidate_attention_mask'],
                                                    ((0, 0), (0, 4))))

      @jax.jit
      def outputs(params, b, padded):
        pooled = lambda i, m: model.apply({'params': params}, dict(
            input_ids=i, attention_mask=m))['pooler_output']
        return (model.apply({'params': params}, b, 'rank'),
                model.apply({'params': params}, padded, 'rank'),
                pooled(b['input_ids'], b['attention_mask']),
                pooled(b['candidate_input_ids'], b['candidate_attention_mask']))
      out, out_padded, q_pooled, c_pooled = jax.tree.map(
          lambda x: np.asarray(x, np.float64), outputs(state.params, b0, padded))
      qv, cv = out['embedding'], out['candidate_embedding']
      # The embeddings are the encoder's pooled output, L2-normalised (XTREME-R's).
      normalised = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
      pooled_error = max(float(np.abs(qv - normalised(q_pooled)).max()),
                         float(np.abs(cv - normalised(c_pooled)).max()),
                         float(np.abs(qv - out_padded['embedding']).max()),
                         float(np.abs(cv - out_padded['candidate_embedding']).max()))
      logits = float(out['logit_scale']) * qv @ cv.T
      top = logits.max(1, keepdims=True)
      ref = float(np.mean(top[:, 0] + np.log(np.exp(logits - top).sum(1)) - np.diag(logits)))
    train_step = steps.jit_train_step(
        steps.make_train_step(model, tx, 'rank', 'ranking'), shardings, mesh)
    batch_sh = rules_lib.batch_sharding(mesh)
    losses_seen = []
    for b in batches:
      state, metrics = train_step(state, global_batch.make_global_batch(b, batch_sh, 8))
      losses_seen.append(float(metrics['loss']))
    print('RESULT ' + json.dumps({
        'mesh': list(shape), 'losses': losses_seen, 'numpy_first_loss': ref,
        'pooled_error': pooled_error,
        'local_rows': int(batch_sh.shard_shape((8,))[0]),
        'logit_scale': float(state.params['heads']['rank']['logit_scale'])}), flush=True)


if __name__ == '__main__':
  main()

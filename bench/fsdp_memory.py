"""Per-device memory of one training step of a model preset under FSDP, from XLA's buffer
assignment (not a test). Nothing is allocated: the state and batch are abstract, the step is
only compiled, on N simulated CPU devices, so XXL's 171 GB fits a laptop.

  python bench/fsdp_memory.py --preset xlmr_xxl --fsdp 8
  python bench/fsdp_memory.py --preset xlmr_xl --fsdp 4 --batch_size 32 --seq_len 256

The step is the MNLI (3-way classification) step in bf16 compute with fp32 parameters, scan
and remat, as configs/xlmr_xl.py and xlmr_xxl.py run it, mesh (1, fsdp, 1). `arguments` is
the train state's shard (fp32 params + Adam's two moments: 12 B/param / N; the step donates it,
so `outputs` alias it) and `temp` everything else the step holds at its peak (gradients,
activations, gathered layer weights). The CPU backend's buffer assignment, not a GPU's or a
TPU's: their fusions differ, so read it as an estimate of the same order.
"""

import argparse
import os
import sys
import time


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--preset', default='xlmr_xxl')
  p.add_argument('--fsdp', type=int, default=8)
  p.add_argument('--batch_size', type=int, default=32)
  p.add_argument('--seq_len', type=int, default=256)
  args = p.parse_args()
  os.environ['JAX_PLATFORMS'] = 'cpu'
  os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') +
                             f' --xla_force_host_platform_device_count={args.fsdp}')
  sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

  import flax.linen as nn
  import jax
  import jax.numpy as jnp
  from xstilts_jax.models.config import preset
  from xstilts_jax.models.model import HeadSpec, Model
  from xstilts_jax.parallel import mesh as mesh_lib
  from xstilts_jax.parallel import rules as rules_lib
  from xstilts_jax.train import state as state_lib
  from xstilts_jax.train import steps
  from xstilts_jax.train.optimizer import make_optimizer

  config = preset(args.preset, dtype='bfloat16', scan_layers=True, remat=True)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  tx = make_optimizer(1e-5, total_steps=1000)
  mesh = mesh_lib.make_mesh((1, args.fsdp, 1))
  abstract, shardings = state_lib.state_shardings(
      lambda r: model.init_params(r, seq_len=8, boxed=True), tx, mesh)
  batch_sh = rules_lib.batch_sharding(mesh)
  shape = (args.batch_size, args.seq_len)
  batch = {'input_ids': jax.ShapeDtypeStruct(shape, jnp.int32, sharding=batch_sh),
           'attention_mask': jax.ShapeDtypeStruct(shape, jnp.int32, sharding=batch_sh),
           'label': jax.ShapeDtypeStruct(shape[:1], jnp.int32, sharding=batch_sh)}
  step = steps.jit_train_step(steps.make_train_step(model, tx, 'nli', 'classification'),
                              shardings, mesh)
  start = time.time()
  with nn.logical_axis_rules(rules_lib.DEFAULT_RULES):
    compiled = step.jitted.lower(state_lib.with_shardings(abstract, shardings), batch).compile()
  m = compiled.memory_analysis()
  params = sum(x.size for x in jax.tree.leaves(abstract.params))
  state = sum(x.size * x.dtype.itemsize for x in jax.tree.leaves(abstract))
  gb = 1e9
  print(f'{args.preset}: {params / 1e9:.3f}B parameters, train state {state / gb:.1f} GB; '
        f'mesh (1, {args.fsdp}, 1), batch {shape}, compiled in {time.time() - start:.0f} s')
  print(f'per device: arguments {m.argument_size_in_bytes / gb:.2f} GB (outputs '
        f'{m.output_size_in_bytes / gb:.2f}, aliased {m.alias_size_in_bytes / gb:.2f}), '
        f'temp {m.temp_size_in_bytes / gb:.2f} GB; peak ~ arguments + temp = '
        f'{(m.argument_size_in_bytes + m.temp_size_in_bytes) / gb:.1f} GB')


if __name__ == '__main__':
  main()

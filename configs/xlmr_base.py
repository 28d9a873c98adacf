"""XLM-R Base (12 layers): the same protocol as Large with the base model.

  python -m xstilts_jax.main --config configs/xlmr_base.py --workdir runs/base_mnli

Base, Large (`xlmr_large.py`), XL and XXL differ only in the model: weights, preset, the
retrieval layer (the same relative depth) and, for XL/XXL, how the model is sharded.

Memory (training; fp32 parameters + Adam's two moments + fp32 gradients = 16 bytes/parameter;
+4 with optimizer.grad_accum_steps > 1 for the accumulated gradients):
  278.0M parameters (192.0M of them the 250002 x 768 word embeddings)
  state 278.0M x 16 B = 4.4 GB, replicated on every device by the default mesh (-1, 1, 1)
  (pure data parallelism), + activations (bf16, batch 32 x 256 tokens split over devices):
  fits any accelerator of 16 GB or more; nothing to shard.
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = 'FacebookAI/xlm-roberta-base'
  c.model.preset = 'xlmr_base'
  # Layer 7 of 12: the relative depth of jiant's/XTREME's layer 14 of 24 for Large (7/12).
  c.retrieval.layer = 7
  return c

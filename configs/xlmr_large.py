"""The real run: XLM-R Large from the hub, PROTOCOL.md's settings, bf16 compute, on the raw
data the downloader fetched ($XSTILTS_DATA, default ~/xstilts_data; the hub copies are opt-in
with --config.data.source=hub):

  python -m xstilts_jax.data.download --dest ~/xstilts_data --tasks mnli,xnli,...
  python -m xstilts_jax.main --config configs/xlmr_large.py --workdir runs/mnli

All values are those of `default.py` (written for this run); see there for the schema.
Base (`xlmr_base.py`), XL (`xlmr_xl.py`) and XXL (`xlmr_xxl.py`) differ from it only in the
model: weights, preset, the retrieval layer (layer 14 of 24 here, jiant's/XTREME's choice; the
same relative depth 7/12 for the others) and, for XL/XXL, how the model is sharded.

Memory (training; fp32 parameters + Adam's two moments + fp32 gradients = 16 bytes/parameter;
+4 with optimizer.grad_accum_steps > 1 for the accumulated gradients):
  559.9M parameters (256.0M of them the 250002 x 1024 word embeddings)
  state 559.9M x 16 B = 9.0 GB, replicated on every device by the default mesh (-1, 1, 1)
  (pure data parallelism), + activations (bf16, batch 32 x 256 tokens split over devices):
  fits a 16 GB+ device (v4 / v5p / A100 / H100); on a smaller one, shard it as XL does
  (--config.parallel.mesh_shape='(1,-1,1)': 9.0 GB / N per device).
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = 'FacebookAI/xlm-roberta-large'
  c.model.preset = 'xlmr_large'
  c.retrieval.layer = 14  # of 24: jiant's / XTREME's choice
  return c

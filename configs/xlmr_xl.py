"""XLM-R XL (3.5B, pre-LN: transformers' XLMRobertaXLModel): the Large protocol with the XL model,
sharded FSDP over every device.

  python -m xstilts_jax.main --config configs/xlmr_xl.py --workdir runs/xl_mnli

Differs from `xlmr_large.py` only in the model: weights (facebook/xlm-roberta-xl, its own
tokenizer), preset, the retrieval layer and the sharding below.

Retrieval layer: 21 of 36, the relative depth of jiant's/XTREME's layer 14 of 24 for Large and
7 of 12 for Base (7/12 x 36 = 21). Pre-LN, hidden_states[21] is the residual stream after layer
21 without a LayerNorm (as HF's XLMRobertaXLModel returns it); only the last one is normalised.

Memory (training; fp32 parameters + Adam's two moments + fp32 gradients = 16 bytes/parameter;
+4 with optimizer.grad_accum_steps > 1 for the accumulated gradients):
  3.482B parameters = 36 layers x 78.6M + 642.3M word embeddings (250880 x 2560) + 2.7M
  state 3.482B x 16 B = 55.7 GB; FSDP over N devices (mesh (1, N, 1): every kernel split along
  its 2560-wide embed axis) stores 55.7 / N GB per device:
    N = 4: 13.9 GB    N = 8: 7.0 GB    N = 16: 3.5 GB
  + activations (bf16, remat, batch 32 x 256 split N ways; estimate, not measured): the saved
  layer inputs 36 x B/N x 256 x 2560 x 2 B (0.2 GB at N = 8), one layer recomputed plus its
  gathered fp32 weights (0.3 GB, x2 with prefetch) and the tied MLM logits B/N x 256 x 250880 x
  4 B (1 GB at N = 8, MLM phase only): about 2-3 GB.
  Fits: 8 x H100 (80 GB; ~10 GB used), v4-8 (4 chips x 32 GiB; ~16 GB), v4-32, v5p-8. One
  80 GB GPU unsharded is too tight (55.7 GB + activations + XLA's workspace); one H200
  (141 GB) would hold it. The batch is split over data x fsdp, so N must divide it (32; QA 16).
  Host RAM: load_pretrained holds the fp32 weights (13.9 GB) on the host, x2 while stacking
  layers for scan.
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = 'facebook/xlm-roberta-xl'
  c.model.preset = 'xlmr_xl'
  c.model.scan_layers = True  # one compiled layer instead of 36
  c.model.remat = True        # keep only each layer's input for the backward pass
  c.parallel.mesh_shape = (1, -1, 1)  # FSDP over every device (the batch too: 32 / N rows each)
  c.retrieval.layer = 21      # 7/12 of 36, as 14 of 24 for Large
  return c

"""XLM-R XL (3.5B, pre-LN: transformers' XLMRobertaXLModel): the Large protocol with the XL model,
sharded FSDP over every device.

  python -m xstilts_jax.main --config configs/xlmr_xl.py --workdir runs/xl_mnli

Differs from `xlmr_large.py` only in the model: weights (facebook/xlm-roberta-xl, its own
tokenizer), preset, the retrieval layer and the sharding below.

Retrieval layer: 21 of 36, the relative depth of jiant's/XTREME's layer 14 of 24 for Large and
7 of 12 for Base (7/12 x 36 = 21). Pre-LN, hidden_states[21] is the residual stream after layer
21 without a LayerNorm (as HF's XLMRobertaXLModel returns it); only the last one is normalised.

Memory (training; fp32 parameters + Adam's two moments = 12 bytes/parameter of state, + fp32
gradients, 4 more, during the step; +4 with optimizer.grad_accum_steps > 1):
  3.482B parameters = 36 layers x 78.6M + 642.3M word embeddings (250880 x 2560) + 2.7M
  state + gradients 3.482B x 16 B = 55.7 GB. FSDP over N devices (mesh (1, N, 1): every
  kernel split along its 2560-wide embed axis) keeps 55.7 / N GB per device (N = 4: 13.9,
  8: 7.0, 16: 3.5), plus activations (bf16, remat: 36 saved layer inputs of B/N x 256 x 2560
  x 2 B, 0.2 GB at N = 8), one layer's gathered weights, and the step's temporaries.
  XLA's buffer assignment of this step (bench/fsdp_memory.py: batch 32 x 256, bf16, scan +
  remat; CPU backend, so an estimate for GPU/TPU) per device, state + temporaries:
    N = 4: 10.5 + 7.0 = 17.5 GB    N = 8: 5.2 + 4.2 = 9.4 GB
  (~20 B/parameter / N in all, as for XXL).
  Fits: 8 x H100 (80 GB), v4-8 (4 chips x 32 GiB), v4-32, v5p-8. Unsharded (~70 GB with
  activations and temporaries) it is too tight for one 80 GB GPU; one H200 (141 GB) holds it.
  The batch is split over data x fsdp, so N must divide it (32; QA 16).
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

"""XLM-R XXL (10.7B, pre-LN: transformers' XLMRobertaXLModel): the Large protocol with the XXL
model, sharded FSDP over every device.

  python -m xstilts_jax.main --config configs/xlmr_xxl.py --workdir runs/xxl_mnli

Differs from `xlmr_large.py` only in the model: weights (facebook/xlm-roberta-xxl, its own
tokenizer), preset, the retrieval layer and the sharding below.

Retrieval layer: 28 of 48, the relative depth of jiant's/XTREME's layer 14 of 24 for Large and
7 of 12 for Base (7/12 x 48 = 28). Pre-LN, hidden_states[28] is the residual stream after layer
28 without a LayerNorm (as HF's XLMRobertaXLModel returns it); only the last one is normalised.

Memory (training; fp32 parameters + Adam's two moments = 12 bytes/parameter of state, + fp32
gradients, 4 more, during the step; +4 with optimizer.grad_accum_steps > 1):
  10.713B parameters = 48 layers x 201.3M + 1.028B word embeddings (250880 x 4096) + 4.2M
  state + gradients 10.713B x 16 B = 171.4 GB: no single device holds it (H200: 141 GB).
  FSDP over N devices (mesh (1, N, 1): every kernel split along its 4096-wide embed axis)
  keeps 1/N of it per device: 171.4 / N GB (N = 4: 42.9, 8: 21.4, 16: 10.7, 32: 5.4), plus
  activations (bf16, remat: 48 saved layer inputs of B/N x 256 x 4096 x 2 B, 0.4 GB at N = 8),
  one layer's gathered weights, and the step's temporaries.
  XLA's buffer assignment of this step (bench/fsdp_memory.py: batch 32 x 256, bf16, scan +
  remat; CPU backend, so an estimate for GPU/TPU) per device, state + temporaries:
    N = 4: 32.2 + 21.5 = 53.7 GB    N = 8: 16.1 + 10.7 = 26.9 GB    N = 16: 8.1 + 6.0 = 14.0 GB
  (the temporaries are mostly the gradient shard and one more state-sized update buffer:
  ~20 B/parameter / N in all). Which mesh fits:
    8 x H100 80 GB             (1, 8, 1):  ~27 GB per GPU    fits
    v4-32 (16 chips x 32 GiB)  (1, 16, 1): ~14 GB per chip   fits
    v5p-8 (4 chips x 95 GiB)   (1, 4, 1):  ~54 GB per chip   fits
    v4-8 (4 chips x 32 GiB)    (1, 4, 1):  ~54 GB            does not fit
  The batch is split over data x fsdp, so N must divide it (32; QA 16): beyond 16 devices put
  the rest on 'data', e.g. (2, 16, 1) on 32, which keeps 16-way parameter sharding.
  Host RAM: load_pretrained holds the fp32 weights (42.9 GB) on each host, x2 while stacking
  layers for scan.
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = 'facebook/xlm-roberta-xxl'
  c.model.preset = 'xlmr_xxl'
  c.model.scan_layers = True  # one compiled layer instead of 48
  c.model.remat = True        # keep only each layer's input for the backward pass
  c.parallel.mesh_shape = (1, -1, 1)  # FSDP over every device (the batch too: 32 / N rows each)
  c.retrieval.layer = 28      # 7/12 of 48, as 14 of 24 for Large
  return c

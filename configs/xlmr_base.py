"""XLM-R Base (12 layers): the same protocol as Large with the base model.

  python -m xstilts_jax.main --config configs/xlmr_base.py --workdir runs/base_mnli
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = 'FacebookAI/xlm-roberta-base'
  c.model.preset = 'xlmr_base'
  # Same relative depth as layer 14 of 24 in Large (jiant's choice for retrieval).
  c.retrieval.layer = 7
  return c

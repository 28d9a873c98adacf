"""The real run: XLM-R Large from the hub, hub data, PROTOCOL.md's settings, bf16 compute.

  python -m xstilts_jax.main --config configs/xlmr_large.py --workdir gs://bucket/runs/mnli

All values are those of `default.py` (written for this run); see there for the schema.
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  return _default['get_config']()

"""The real run: XLM-R Large from the hub, PROTOCOL.md's settings, bf16 compute, on the raw
data the downloader fetched ($XSTILTS_DATA, default ~/xstilts_data; the hub copies are opt-in
with --config.data.source=hub):

  python -m xstilts_jax.data.download --dest ~/xstilts_data --tasks mnli,xnli,...
  python -m xstilts_jax.main --config configs/xlmr_large.py --workdir runs/mnli

All values are those of `default.py` (written for this run); see there for the schema.
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  return _default['get_config']()

#!/usr/bin/env bash
# On one TPU VM worker (tpu.sh setup runs it on all of them, from ~/xstilts/src):
#
#   bash worker_setup.sh [PACKAGE]
#
# PACKAGE: a pip requirement; empty: this copy of the checkout with the tpu extra.
# No bucket is mounted: the run reads and writes a gs:// workdir itself (orbax, gcsfs).
#
# The TPU images are Ubuntu 22.04 with Python 3.10 and no `python` command; the package needs
# Python >= 3.11, so uv provides it (the image's own where it is new enough).
set -euo pipefail
home=$HOME/xstilts
package=${1:-"$home/src[tpu]"}

export PATH=$HOME/.local/bin:$PATH
if ! command -v uv >/dev/null; then
  curl -LsSf https://astral.sh/uv/install.sh | sh
fi
if [ ! -x "$home/venv/bin/python" ]; then
  uv venv --python '>=3.11' "$home/venv"
fi
# The tpu extra pulls jax[tpu] (libtpu from PyPI).
uv pip install --python "$home/venv/bin/python" "$package"
"$home/venv/bin/python" -c 'import jax, xstilts_jax; print("jax", jax.__version__)'

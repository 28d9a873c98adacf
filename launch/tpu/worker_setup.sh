#!/usr/bin/env bash
# On one TPU VM worker (tpu.sh setup runs it on all of them, from ~/xstilts/src):
#
#   bash worker_setup.sh [PACKAGE] [BUCKET]
#
# PACKAGE: a pip requirement; empty: this copy of the checkout with the tpu extra.
# BUCKET: mount gs://BUCKET at /gcs/BUCKET with gcsfuse (empty: no bucket).
#
# The TPU images are Ubuntu 22.04 with Python 3.10 and no `python` command; the package needs
# Python >= 3.11, so uv provides it (the image's own where it is new enough).
set -euo pipefail
home=$HOME/xstilts
package=${1:-"$home/src[tpu]"}
bucket=${2:-}

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

if [ -n "$bucket" ]; then
  if ! command -v gcsfuse >/dev/null; then
    # Google's apt repository for gcsfuse (the image has none).
    curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg \
      | sudo tee /usr/share/keyrings/cloud.google.asc >/dev/null
    echo "deb [signed-by=/usr/share/keyrings/cloud.google.asc] https://packages.cloud.google.com/apt gcsfuse-$(lsb_release -c -s) main" \
      | sudo tee /etc/apt/sources.list.d/gcsfuse.list >/dev/null
    sudo apt-get update -q
    sudo apt-get install -yq gcsfuse
  fi
  mount_point=/gcs/$bucket
  sudo mkdir -p "$mount_point"
  sudo chown "$(id -u):$(id -g)" "$mount_point"
  # --implicit-dirs: folders made by other tools (gcloud storage cp) are seen as folders.
  mountpoint -q "$mount_point" || gcsfuse --implicit-dirs "$bucket" "$mount_point"
fi

#!/usr/bin/env bash
# Run an experiment on one GPU box (all local GPUs form the mesh's data axis by default).
#
#   bash launch/gpu.sh configs/xlmr_large.py /data/runs/mnli [--config.overrides ...]
#
# Install once with: pip install -e '.[gpu]'. Killed or preempted, the same command resumes.
set -euo pipefail
CONFIG=${1:?usage: gpu.sh CONFIG WORKDIR [overrides]}
WORKDIR=${2:?usage: gpu.sh CONFIG WORKDIR [overrides]}
shift 2
# Let XLA take most of the GPU memory up front, as JAX does by default, but leave some for
# the CUDA context of other tools; set to taste.
export XLA_PYTHON_CLIENT_MEM_FRACTION=${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.9}
exec python -m xstilts_jax.main --config "$CONFIG" --workdir "$WORKDIR" "$@"

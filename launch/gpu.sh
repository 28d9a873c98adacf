#!/usr/bin/env bash
# Run an experiment on one host with one or several GPUs: one process drives every local GPU
# (the mesh's data axis spans them; no jax.distributed on a single host).
#
#   pip install -e '.[gpu]'      # once: jax with CUDA 12 wheels
#   bash launch/gpu.sh CONFIG WORKDIR [xstilts flags]
#   bash launch/gpu.sh configs/xlmr_large.py runs/mnli --config.seed=1
#
# Killed or preempted (SIGTERM saves a checkpoint, exit code 75), the same command resumes.
#
# Settings, and why:
# - Memory: JAX preallocates 75% of each GPU's memory at its first operation (its default;
#   nothing is set here). To change it, XLA_CLIENT_MEM_FRACTION=0.9 (jax >= 0.10; the older
#   name XLA_PYTHON_CLIENT_MEM_FRACTION is still read, and setting both is an error), or
#   XLA_PYTHON_CLIENT_PREALLOCATE=false when another process shares the GPU.
# - Several GPUs: --xla_gpu_enable_latency_hiding_scheduler=true (XLA's default is false) lets
#   XLA schedule the gradient all-reduce (NCCL) asynchronously so that it overlaps with the
#   rest of the backward pass instead of waiting after it. It changes no result. With one GPU
#   there is no collective and nothing is set.
# - NCCL: its defaults pick NVLink/P2P or shared memory by itself on one host; to see what it
#   chose (slow steps on several GPUs), run with NCCL_DEBUG=INFO.
# Your own XLA_FLAGS are kept (added after ours, so they win).
set -euo pipefail
usage='usage: gpu.sh CONFIG WORKDIR [xstilts flags]'
config=${1:?$usage}
workdir=${2:?$usage}
shift 2
python=${PYTHON:-python}

if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  IFS=, read -r -a visible <<<"$CUDA_VISIBLE_DEVICES"
  gpus=${#visible[@]}
else
  gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)
fi
if [ "$gpus" -lt 1 ]; then
  echo 'gpu.sh: no GPU found (nvidia-smi -L lists none); on a CPU use python -m xstilts_jax.main' >&2
  exit 1
fi
if ! "$python" -c 'import jax, sys; sys.exit(not jax.devices("gpu"))' 2>/dev/null; then
  echo "gpu.sh: JAX sees no GPU; install the CUDA wheels: pip install -e '.[gpu]'" >&2
  exit 1
fi
if [ "$gpus" -gt 1 ]; then
  export XLA_FLAGS="--xla_gpu_enable_latency_hiding_scheduler=true${XLA_FLAGS:+ $XLA_FLAGS}"
fi
echo "gpu.sh: $gpus GPU(s); XLA_FLAGS=${XLA_FLAGS:-}" >&2
exec "$python" -m xstilts_jax.main --config "$config" --workdir "$workdir" "$@"

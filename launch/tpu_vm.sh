#!/usr/bin/env bash
# Run an experiment on a gcloud TPU VM (single host or a pod slice: every worker runs the same
# command; jax.distributed initialises itself from the TPU environment).
#
#   TPU_NAME=xstilts ZONE=us-central2-b ACCELERATOR=v4-32 \
#   WORKDIR=gs://my-bucket/runs/mnli CONFIG=configs/xlmr_large.py \
#   bash launch/tpu_vm.sh create    # once: create the TPU VM
#   bash launch/tpu_vm.sh setup     # once: copy the code, install with the tpu extra
#   bash launch/tpu_vm.sh run [--config.overrides ...]
#   bash launch/tpu_vm.sh delete
#
# A preempted (spot) VM gets SIGTERM: the run saves a checkpoint and exits; `run` again with
# the same WORKDIR resumes where it stopped. Use a gs:// WORKDIR so checkpoints outlive the VM
# (orbax needs gcsfs for gs:// paths: the tpu extra installs it).
set -euo pipefail
: "${TPU_NAME:?set TPU_NAME}" "${ZONE:?set ZONE}"
ACCELERATOR=${ACCELERATOR:-v4-8}
VERSION=${VERSION:-tpu-ubuntu2204-base}
CONFIG=${CONFIG:-configs/xlmr_large.py}
WORKDIR=${WORKDIR:?set WORKDIR, e.g. gs://bucket/runs/name}
REPO_DIR=${REPO_DIR:-xstilts-jax}

ssh_all() {
  gcloud compute tpus tpu-vm ssh "$TPU_NAME" --zone="$ZONE" --worker=all --command="$1"
}

case "${1:-}" in
  create)
    gcloud compute tpus tpu-vm create "$TPU_NAME" --zone="$ZONE" \
      --accelerator-type="$ACCELERATOR" --version="$VERSION" ${SPOT:+--spot}
    ;;
  setup)
    tar czf /tmp/xstilts-jax.tgz --exclude=.git --exclude='*.egg-info' -C "$(dirname "$0")/.." .
    gcloud compute tpus tpu-vm scp /tmp/xstilts-jax.tgz "$TPU_NAME": --zone="$ZONE" --worker=all
    ssh_all "mkdir -p $REPO_DIR && tar xzf xstilts-jax.tgz -C $REPO_DIR && \
             cd $REPO_DIR && pip install -q -e '.[tpu]'"
    ;;
  run)
    shift
    ssh_all "cd $REPO_DIR && python -m xstilts_jax.main --config $CONFIG --workdir $WORKDIR $*"
    ;;
  delete)
    gcloud compute tpus tpu-vm delete "$TPU_NAME" --zone="$ZONE" --quiet
    ;;
  *)
    echo "usage: $0 create|setup|run [overrides]|delete" >&2; exit 2
    ;;
esac

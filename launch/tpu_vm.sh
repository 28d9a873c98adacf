#!/usr/bin/env bash
# Run an experiment on a gcloud TPU VM (single host or a pod slice: every worker runs the same
# command; jax.distributed initialises itself from the TPU environment).
#
#   TPU_NAME=xstilts ZONE=us-central2-b ACCELERATOR=v4-32 BUCKET=my-bucket \
#   WORKDIR=runs/mnli CONFIG=configs/xlmr_large.py \
#   bash launch/tpu_vm.sh create    # once: create the TPU VM
#   bash launch/tpu_vm.sh setup     # once: copy the code, install with the tpu extra
#   bash launch/tpu_vm.sh run [--config.overrides ...]
#   bash launch/tpu_vm.sh delete
#
# A preempted (spot) VM gets SIGTERM: the run saves a checkpoint and exits; `run` again with
# the same WORKDIR resumes where it stopped. `setup` mounts gs://$BUCKET with gcsfuse at
# ~/bucket on every worker and WORKDIR is a path inside it, so checkpoints outlive the VM and
# all hosts of a pod see the same folder (the code writes with plain file I/O, not gs:// URLs).
set -euo pipefail
: "${TPU_NAME:?set TPU_NAME}" "${ZONE:?set ZONE}"
ACCELERATOR=${ACCELERATOR:-v4-8}
VERSION=${VERSION:-tpu-ubuntu2204-base}
CONFIG=${CONFIG:-configs/xlmr_large.py}
BUCKET=${BUCKET:?set BUCKET, the GCS bucket (without gs://) that holds the workdirs}
WORKDIR=${WORKDIR:?set WORKDIR, a path inside the bucket, e.g. runs/name}
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
             cd $REPO_DIR && pip install -q -e '.[tpu]' && \
             (command -v gcsfuse || (sudo apt-get update -q && sudo apt-get install -yq gcsfuse)) && \
             mkdir -p ~/bucket && (mountpoint -q ~/bucket || gcsfuse --implicit-dirs $BUCKET ~/bucket)"
    ;;
  run)
    shift
    ssh_all "cd $REPO_DIR && python -m xstilts_jax.main --config $CONFIG --workdir ~/bucket/$WORKDIR $*"
    ;;
  delete)
    gcloud compute tpus tpu-vm delete "$TPU_NAME" --zone="$ZONE" --quiet
    ;;
  *)
    echo "usage: $0 create|setup|run [overrides]|delete" >&2; exit 2
    ;;
esac

#!/usr/bin/env bash
# Train with srun, one task per GPU (multi-node when GPUS > GPUS_PER_NODE).
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
# env: GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=""
#      GRES: default gpu:$GPUS_PER_NODE if the partition has GPU GRES,
#      else empty; an empty GRES leaves --gres out.
# Without GPUs each task runs on CPU with gloo; GPUS is the task count.

set -x

PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
if [ -z "${GRES+set}" ]; then
    # Ask for GPUs only where the partition has them.
    if sinfo -h -p "${PARTITION}" -o %G 2>/dev/null | grep -q gpu; then
        GRES=gpu:${GPUS_PER_NODE}
    else
        GRES=
    fi
fi
SRUN_ARGS=${SRUN_ARGS:-""}
PY_ARGS=("${@:5}")

# shellcheck disable=SC2086  # SRUN_ARGS holds several words on purpose
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES:+--gres=${GRES}} \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$(dirname "$0")/train.py" "${CONFIG}" --work-dir="${WORK_DIR}" \
    --launcher="slurm" "${PY_ARGS[@]}"

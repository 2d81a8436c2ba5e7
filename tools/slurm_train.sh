#!/usr/bin/env bash
# Train with srun, one task per GPU (multi-node when GPUS > GPUS_PER_NODE).
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
# env: GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=""
#      GRES: default gpu:$GPUS_PER_NODE if the partition has GPU GRES,
#      else empty; an empty GRES leaves --gres out.
#      SIGNAL: e.g. USR1@120, passed as srun --signal: Slurm sends SIGUSR1
#      to every task 120 s before the time limit; training then saves a
#      resumable checkpoint and exits with status 75.
#      REQUEUE=1: for a batch job (sbatch --requeue ... this script): train
#      with --resume, and when training stopped on a signal (status 75),
#      requeue the job (scontrol requeue); the requeued job resumes itself.
# A SIGTERM, SIGINT or SIGUSR1 sent to this script (e.g. sbatch
# --signal=B:USR1@120, or Slurm's SIGTERM at preemption) is passed on to
# the training tasks.
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
SIGNAL=${SIGNAL:-""}
REQUEUE=${REQUEUE:-0}
PY_ARGS=("${@:5}")
if [ "${REQUEUE}" = 1 ]; then
    PY_ARGS+=(--resume)
fi

STARTED=$(mktemp)  # the checkpoints this run writes are newer
# shellcheck disable=SC2086  # SRUN_ARGS holds several words on purpose
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES:+--gres=${GRES}} \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SIGNAL:+--signal=${SIGNAL}} \
    ${SRUN_ARGS} \
    python -u "$(dirname "$0")/train.py" "${CONFIG}" --work-dir="${WORK_DIR}" \
    --launcher="slurm" "${PY_ARGS[@]}" &
SRUN_PID=$!
for sig in TERM INT USR1; do
    # shellcheck disable=SC2064  # expand sig now
    trap "kill -s ${sig} ${SRUN_PID} 2>/dev/null" "${sig}"
done
# `wait` returns early (status > 128) when a trapped signal arrives.
while true; do
    wait "${SRUN_PID}"
    STATUS=$?
    kill -0 "${SRUN_PID}" 2>/dev/null || break
done

# Stopped on a signal: the tasks exited 75 after pointing last_checkpoint
# at a preemption checkpoint (srun may report another status when it
# stops the last tasks, so the pointer is what counts).
POINTER="${WORK_DIR}/last_checkpoint"
if [ "${STATUS}" != 0 ] && [ "${REQUEUE}" = 1 ] && [ "${POINTER}" -nt "${STARTED}" ] \
    && grep -q '/preempted_iter_[0-9]*\.pth$' "${POINTER}"; then
    if [ -n "${SLURM_JOB_ID:-}" ]; then
        echo "Training stopped on a signal after saving; requeueing job ${SLURM_JOB_ID}."
        scontrol requeue "${SLURM_JOB_ID}"
    else
        echo "REQUEUE=1 needs a batch job (sbatch --requeue); not requeued." >&2
    fi
fi
rm -f "${STARTED}"
exit "${STATUS}"

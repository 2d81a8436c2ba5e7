#!/usr/bin/env bash
# Fashion-MNIST demo of KD + Z-score on real data, a few minutes on a CPU.
#
#   apt-get install -y dataset-fashion-mnist    # the data, 31 MB
#   bash tools/quickstart_fashion_mnist.sh
#
# 1. tools/dataset_converters/prepare_fashion_mnist.py checks the Debian
#    package's Fashion-MNIST and unpacks it into data/fashion_mnist.
# 2. tools/train.py distills the shipped ResNet_CIFAR-18 (width 8) teacher
#    (checkpoints/fashion_mnist/) into a LeNet-5 student with
#    configs/fashion_mnist/kd-zscore_resnet18-w8_lenet5_1xb128_fashion-mnist-10k.py
#    on the first TRAIN_SIZE training images for EPOCHS epochs (the config
#    itself trains 5 epochs on the first 10000), validating on the last
#    10000 training images, which it never trains on.
# 3. tools/test.py tests the student's last checkpoint and the shipped
#    teacher on the 10000 test images; both top-1 are printed on one line.
#
# Environment: TRAIN_SIZE (default 30000; at most 50000, 0 = 50000), EPOCHS (default
# 2), WORK_DIR (default work_dirs/quickstart_fashion_mnist),
# OMP_NUM_THREADS (default 1: on a 2-core machine the data loader worker
# uses the other core). Extra arguments go to tools/train.py.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv/bin/python ]; then
  PYTHON=.venv/bin/python
else
  PYTHON=python
fi
CONFIG=configs/fashion_mnist/kd-zscore_resnet18-w8_lenet5_1xb128_fashion-mnist-10k.py
TRAIN_SIZE=${TRAIN_SIZE:-30000}
EPOCHS=${EPOCHS:-2}
WORK_DIR=${WORK_DIR:-work_dirs/quickstart_fashion_mnist}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}

"$PYTHON" tools/dataset_converters/prepare_fashion_mnist.py

indices=50000
if [ "$TRAIN_SIZE" != 0 ]; then
  indices=$TRAIN_SIZE
fi
# A fresh work dir, so that the result read below is this run's.
rm -rf "$WORK_DIR"
start=$(date +%s)
"$PYTHON" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" \
  --cfg-options "train_dataloader.dataset.indices=$indices" \
  "train_cfg.max_epochs=$EPOCHS" "train_cfg.val_interval=$EPOCHS" "$@"
seconds=$(( $(date +%s) - start ))

# Test the student's last checkpoint and the shipped teacher on the 10000
# test images (validation during training used held-out training images).
"$PYTHON" tools/test.py "$CONFIG" "$(cat "$WORK_DIR/last_checkpoint")" \
  --work-dir "$WORK_DIR/test_student"
"$PYTHON" tools/test.py configs/fashion_mnist/resnet18-w8_1xb128_fashion-mnist.py \
  checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth \
  --work-dir "$WORK_DIR/test_teacher"

"$PYTHON" - "$WORK_DIR" "$TRAIN_SIZE" "$EPOCHS" "$seconds" <<'PY'
import glob
import json
import sys

work_dir, train_size, epochs, seconds = sys.argv[1:]


def top1(folder):
    paths = sorted(glob.glob(f'{work_dir}/{folder}/*/*.json'))
    if not paths:
        sys.exit(f'No test result in {work_dir}/{folder}: see its log.')
    return json.load(open(paths[-1]))['accuracy/top1']


images = 'all 50000' if train_size == '0' else f'the first {train_size}'
print(f'Fashion-MNIST KD + Z-score: student LeNet-5 top-1 '
      f'{top1("test_student"):.2f}% | teacher ResNet_CIFAR-18 (w8) top-1 '
      f'{top1("test_teacher"):.2f}% (10000 test images; student trained on '
      f'{images} training images for {epochs} epoch(s) in {seconds} s)')
PY

#!/usr/bin/env bash
# Trains the `base` model on the GPU machine, in one or more calls of the device tool (each at most
# 10 minutes). The first call measures the training speed and fixes --steps so that the whole run
# takes TOTAL_SECONDS of training; later calls continue it with --resume while the machine stays warm.
#   scripts/device_train_base.sh SECONDS_THIS_CALL [resume]
# INIT=models/base.safetensors warm-starts the first call from the shipped weights (dnafill train --init),
# so each session with a GPU can add training to the shipped model without its state file; LR (1e-3) and
# SEED (1) set the peak learning rate and the seed of the window draws and masks; LAYER_KERNELS=fused
# trains with the RMSNorm/RoPE/SwiGLU kernels (train --layer-kernels; default torch).
# Needs build-device (scripts/device_build.sh) and the training FASTA files: TRAIN (comma-separated; each
# record's last 10% held out) or TRAIN and VALID (a held-out FASTA, e.g. .device/heldout128.fa; then
# TRAIN is all training data). scripts/device_check.sh train sets both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-device
source "$build/device-env.sh"
out=$build/base.safetensors
[ -n "${TRAIN:-}" ] || { echo "device_train_base: set TRAIN to the training FASTA file(s)" >&2; exit 2; }
batch=${BATCH:-64}
if [ "${2:-}" != resume ]; then
  rate=$("$build/bench/bench_train" --presets base --batch "$batch" --steps 20 --device cuda --precision bf16 \
         --layer-kernels "${LAYER_KERNELS:-torch}" |
         awk '$1 == "base" { for (i = 1; i <= NF; i++) if ($i == "train") { print $(i + 1); exit } }')
  steps=$(python3 -c "print(int($rate * ${TOTAL_SECONDS:-750} * 0.9 / ($batch * 1024)))")
  echo "base: $rate training tokens/s measured, so --steps $steps for ${TOTAL_SECONDS:-750} s" >&2
  echo "$steps" > "$build/base.steps"
  resume=()
  if [ -n "${INIT:-}" ]; then resume=(--init "$INIT"); fi
else
  steps=$(cat "$build/base.steps")
  resume=(--resume)
fi
valid=()
if [ -n "${VALID:-}" ]; then valid=(--valid "$VALID"); fi
"$build/app/dnafill" train --train "$TRAIN" "${valid[@]}" --out "$out" --preset base \
  --steps "$steps" --batch "$batch" --lr "${LR:-1e-3}" --device cuda --save-dtype bf16 \
  --seed "${SEED:-1}" --layer-kernels "${LAYER_KERNELS:-torch}" --valid-every 500 --checkpoint-every 1000 --max-minutes "$(python3 -c "print($1 / 60)")" "${resume[@]}"

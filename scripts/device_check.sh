#!/usr/bin/env bash
# The GPU checks of the GPU path, in phases that fit the device tool's calls (each at most 10 minutes,
# 15 minutes of device time a session, the machine's start included):
#   scripts/device_check.sh PHASE...     (default: build test sample bench)
#   build   dnafill, its GPU tests and benchmarks against PyTorch's LibTorch (scripts/device_build.sh)
#   test    kernel parity, the GPU sampler tests (CUDA graphs, bf16), ctest -R "kernel|GPU"
#   sample  bench_infill beside the Python reference: base in float32 eager, bf16 + CUDA graph (also with
#           the layer kernels) and float32 + CUDA graph; small in float32 and bf16 + CUDA graph
#   train   more training for the shipped base (warm start, scripts/device_train_base.sh) until
#           END - 90 seconds of this script (END defaults to 540), then its held-out bits/base
#           beside the shipped base's; the new weights come back split in 15 MB parts. INIT (default
#           models/base.safetensors), LR (3e-4) and SEED (3) for a second round in the same session;
#           LAYER_KERNELS=fused trains with the layer kernels; CORPUS=chrX,ecoli adds E. coli K-12 to
#           the training part of chrX (default CORPUS=chrX)
#   bench   training speed: bench_train with LibTorch's ops and with the layer kernels (--layer-kernels
#           fused), each with its step timed part by part (--phases), beside bench/reference_train.py (with a profile of its kernels by kind, and under
#           torch.compile: what fusing the elementwise work gives)
#   width   bench_train and reference_train.py on base and three wider shapes: how MFU grows with width
# Logs go to /tmp/device-check, and after every step into $OUT/logs.tgz (the device tool brings back
# at most 8 files); $OUT/summary.txt has a line per step and the ratios. Needs .device/debs
# (scripts/device_debs.sh), .device/heldout128.fa and .device/data/chrX_train.fa.xz (scripts/device_data.sh),
# and .device/data/ecoli_mg1655.fa.xz for CORPUS=chrX,ecoli: carry those paths, not all of .device
# (scripts/device_carry.sh says what a call would carry against its 64 MiB: 62.6 MiB on 2026-11-30).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/device-check-out}
logs=/tmp/device-check
build=$root/build-device
end=${END:-540}
mkdir -p "$out" "$logs"
step() {  # step NAME SECONDS COMMAND...: the command's output in NAME.log, its status in the summary
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$logs/$name.log" 2>&1
  local rc=$?
  printf '%-28s exit %3d  %4d s  (at %d s)\n' "$name" "$rc" $((SECONDS - start)) "$SECONDS" | tee -a "$out/summary.txt"
  tar -C "$logs" -czf "$out/logs.tgz" .
  return $rc
}

build_phase() {
  DNAFILL_TESTS=ON TARGETS="dnafill bench_infill bench_train test_kernels test_kernels_gpu test_sampling_gpu" \
    step build 330 "$root/scripts/device_build.sh" "$build"
}

test_phase() {
  step kernel-parity 60 "$build/tests/kernels/test_kernels_gpu"
  step gpu-sampling 120 "$build/tests/core/test_sampling_gpu"
  step kernel-reference 60 "$build/tests/kernels/test_kernels"
}

bench=(--in "$root/examples/chrX_heldout.fa" --device cuda --python python3 --windows 4 --threads 4
       --only first-hit,ancestral:16,confidence:8 --score-draws 4)
infill() {  # infill NAME MODEL [OPTIONS...]
  local name=$1 model=$2
  shift 2
  step "infill-$name" 120 "$build/bench/bench_infill" --model "$root/models/$model.safetensors" "${bench[@]}" "$@"
}

sample_phase() {
  infill base-fp32 base
  infill base-bf16-graph base --cuda-graph --net-precision bf16
  infill base-bf16-graph-fused base --cuda-graph --net-precision bf16 --layer-kernels fused
  infill base-fp32-graph base --cuda-graph
  infill small-fp32 small
  infill small-bf16-graph small --cuda-graph --net-precision bf16
}

score() {  # score NAME MODEL PRECISION: held-out bits/base, the masks of models/base.md's figure
  step "score-$1" 90 "$build/app/dnafill" score --model "$2" --in "$root/.device/heldout128.fa" --mc 32 \
    --device cuda --net-precision "$3" --json
}

# corpus_files: the FASTA files of CORPUS (chrX, or chrX,ecoli), unpacked once from .device/data's xz
# files into build-device/data (htslib reads gzip, not xz), as train's comma-separated --train list.
declare -A corpus_xz=([chrX]=chrX_train.fa.xz [ecoli]=ecoli_mg1655.fa.xz)
corpus_files() {
  local name files=()
  mkdir -p "$build/data"
  for name in ${CORPUS//,/ }; do
    local xz=$root/.device/data/${corpus_xz[$name]:-}
    [ -n "${corpus_xz[$name]:-}" ] || { echo "device_check: CORPUS has '$name' (chrX, ecoli)" >&2; return 1; }
    local fa=$build/data/$(basename "$xz" .xz)
    if [ ! -s "$fa" ] || [ "$xz" -nt "$fa" ]; then  # build-device persists between calls
      python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
        "$xz" "$fa.part" && mv "$fa.part" "$fa" || return 1
    fi
    files+=("$fa")
  done
  local IFS=,
  echo "${files[*]}"
}

train_phase() {
  local seconds=$((end - 90 - SECONDS))
  if [ "$seconds" -lt 90 ]; then echo "train: only $seconds s left, skipped" | tee -a "$out/summary.txt"; return; fi
  local train
  train=$(CORPUS=${CORPUS:-chrX} corpus_files) || { echo "train: no corpus" | tee -a "$out/summary.txt"; return; }
  # The trainer's measured rate fixes --steps for (seconds - 40) of training; --max-minutes is the cap.
  TOTAL_SECONDS=$((seconds - 40)) INIT=${INIT:-$root/models/base.safetensors} LR=${LR:-3e-4} SEED=${SEED:-3} \
    TRAIN=$train VALID=$root/.device/heldout128.fa \
    step train-base $((seconds + 20)) "$root/scripts/device_train_base.sh" "$((seconds - 25))"
  cp "$build/base.safetensors.log.jsonl" "$logs/train-base.log.jsonl" 2> /dev/null
  split -b 15M "$build/base.safetensors" "$out/base.safetensors.part-"
  score base-new-fp32 "$build/base.safetensors" fp32
  score base-shipped-fp32 "$root/models/base.safetensors" fp32
  score base-new-bf16 "$build/base.safetensors" bf16
}

train_bench=(--batch 64 --steps 20 --device cuda --precision bf16 --peak-tflops 989)
bench_phase() {
  step train-bench 90 "$build/bench/bench_train" --presets small,base "${train_bench[@]}" --phases 5
  step train-bench-fused 90 "$build/bench/bench_train" --presets small,base "${train_bench[@]}" --phases 5 \
    --layer-kernels fused
  step train-python 120 python3 "$root/bench/reference_train.py" --presets small,base --batch 64 --steps 20 \
    --device cuda --precision bf16 --peak-tflops 989 --profile 3
  step train-python-compiled 240 python3 "$root/bench/reference_train.py" --presets base --batch 64 --steps 20 \
    --device cuda --precision bf16 --peak-tflops 989 --compile
}

# D/LAYERS/HEADS/MLP: GPT-2 small's width, and two steps between (about 14, 25, 85 and 200 M parameters).
widths=base,512/8/8/1408,768/12/12/2048,1024/16/16/2816
width_phase() {
  step width-bench 150 "$build/bench/bench_train" --presets "$widths" "${train_bench[@]}"
  step width-bench-fused 150 "$build/bench/bench_train" --presets "$widths" "${train_bench[@]}" --layer-kernels fused
  step width-python 200 python3 "$root/bench/reference_train.py" --presets "$widths" "${train_bench[@]}"
}

phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(build test sample bench)
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >> "$out/summary.txt" 2>&1
for phase in "${phases[@]}"; do
  if [ "$phase" != build ]; then source "$build/device-env.sh" || exit 1; fi
  case $phase in
    build) build_phase || exit 1 ;;
    test | sample | train | bench | width) "${phase}_phase" ;;
    *) echo "device_check: no phase '$phase' (build, test, sample, train, bench, width)" >&2; exit 2 ;;
  esac
done
{
  echo "== ratios"
  grep -H "Python/C++" "$logs"/infill-*.log
  grep -H "bits_per_base" "$logs"/score-*.log
  grep -H -E "MFU|tokens/s|a step" "$logs"/train-*.log "$logs"/width-*.log
  tail -n 2 "$logs/train-base.log.jsonl"
} >> "$out/summary.txt" 2>&1
cat "$out/summary.txt"

#!/usr/bin/env bash
# The GPU checks of the GPU path in one call of the device tool (about 6-8 minutes on an H100/H200):
# build with the tests, the kernel parity and GPU sampler tests, then the sampling benchmark of small and
# base beside the Python reference in three settings (float32 eager as before, float32 with CUDA
# graphs, bf16 with CUDA graphs), bf16 against float32 held-out bits/base of base, and the training
# benchmark. Each step has its own time limit, so one that hangs does not cost the others.
#   scripts/device_check.sh [build|test|bench|all]   (default all; logs into $OUT, else /tmp/device-check)
# The phases split the work over several device calls (each at most 10 minutes) if one is not enough.
# Needs .device/debs (scripts/device_debs.sh); for the held-out scores .device/heldout128.fa
# (scripts/extract_windows.py ... --count 128 --length 1024) and for the trainer's own speed
# .device/data/chrX.fa.gz (smalt-examples' hs37chrXtrunc.fa.gz); carry .device with the device tool.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/device-check}
build=$root/build-device
mkdir -p "$out"
step() {  # step NAME SECONDS COMMAND...: the command's output in $out/NAME.log, its status in the summary
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  printf '%-28s exit %3d  %4d s\n' "$name" "$rc" $((SECONDS - start)) | tee -a "$out/summary.txt"
}

phase=${1:-all}
want() { [ "$phase" = all ] || [ "$phase" = "$1" ]; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$out/gpu.txt" 2>&1
export DNAFILL_TESTS=ON
if want build; then step build 420 "$root/scripts/device_build.sh" "$build"; fi
source "$build/device-env.sh" || exit 1
if want test; then
step kernel-parity 120 "$build/tests/kernels/test_kernels_gpu"
step gpu-sampling 180 "$build/tests/core/test_sampling_gpu"
step ctest-kernel 180 ctest --test-dir "$build" -R "kernel|GPU" --output-on-failure
fi
want bench || { cat "$out/summary.txt"; exit 0; }

bench=(--in "$root/examples/chrX_heldout.fa" --device cuda --python python3 --windows 4 --threads 4
       --only first-hit,ancestral:16,confidence:8 --score-draws 4)
for model in small base; do
  step "infill-$model-fp32" 180 "$build/bench/bench_infill" --model "$root/models/$model.safetensors" "${bench[@]}"
  step "infill-$model-fp32-graph" 180 "$build/bench/bench_infill" --model "$root/models/$model.safetensors" "${bench[@]}" --cuda-graph
  step "infill-$model-bf16-graph" 180 "$build/bench/bench_infill" --model "$root/models/$model.safetensors" "${bench[@]}" --cuda-graph --net-precision bf16
done
if [ -f "$root/.device/heldout128.fa" ]; then
  for precision in fp32 bf16; do
    step "score-base-$precision" 120 "$build/app/dnafill" score --model "$root/models/base.safetensors" \
      --in "$root/.device/heldout128.fa" --mc 32 --device cuda --net-precision "$precision" --json
  done
fi
if [ -f "$root/.device/data/chrX.fa.gz" ]; then  # the real trainer (clipping, EMA, logging), not just the step
  step train-dnafill-base 240 "$build/app/dnafill" train --train "$root/.device/data/chrX.fa.gz" --preset base \
    --steps 150 --batch 64 --device cuda --out /tmp/device-check-base.safetensors --valid-every 1000
  tail -n 1 /tmp/device-check-base.safetensors.log.jsonl > "$out/train-dnafill-base.last.json" 2> /dev/null
fi
step train-bench 240 "$build/bench/bench_train" --presets small,base --batch 64 --steps 20 --device cuda --precision bf16 --peak-tflops 989
step train-python 240 python3 "$root/bench/reference_train.py" --presets small,base --batch 64 --steps 20 --device cuda --precision bf16

{
  echo "== ratios"
  grep -H "Python/C++" "$out"/infill-*.log
  grep -h "bits_per_base" "$out"/score-*.log
  grep -H -E "MFU|tokens/s" "$out"/train-*.log
  cat "$out/train-dnafill-base.last.json"
} >> "$out/summary.txt" 2>&1
cat "$out/summary.txt"

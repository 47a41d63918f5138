#!/bin/bash
# A resumed training's log holds each step once: a run killed after its last checkpoint had logged
# steps that the resumed run makes again, and those lines are cut, in place (a --log that is a link
# stays one, its target gets the lines; a FIFO is written, not read); elapsed_s counts all runs.
# Usage: check_train_log_resume.sh DNAFILL WORK_DIR TRAIN.fa
set -u
dnafill=$1 work=$2 train=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/m.safetensors* "$work"/real.jsonl "$work"/link.jsonl
ln -s real.jsonl "$work/link.jsonl"
# Steps slow enough (about 0.05 s) that step 20's elapsed_s is well above a fresh process's first step.
run=("$dnafill" train --train "$train" --out "$work/m.safetensors" --preset tiny --checkpoint-every 10 --threads 1
     --batch 8 --seq-len 256 --log "$work/link.jsonl")
"${run[@]}" --steps 20 > /dev/null || fail "first run"
# What a run killed at step 25, after its checkpoint at 20, leaves in the log.
for step in 21 22 23 24 25; do
  echo "{\"elapsed_s\":99.0,\"loss_bits\":9.0,\"lr\":0.001,\"step\":$step,\"tokens_per_s\":1.0}" >> "$work/link.jsonl"
done
"${run[@]}" --steps 30 --resume > /dev/null || fail "resumed run"
[ -L "$work/link.jsonl" ] || fail "the --log link was replaced by a file"
# A run killed while it wrote step 31's line, just after its checkpoint at 30: the broken line goes.
printf '{"elapsed_s":99.0,"loss_bi' >> "$work/link.jsonl"
"${run[@]}" --steps 40 --resume > /dev/null || fail "second resumed run"
# A --log that is a FIFO is written, not tested or cut: each run ends, its reader gets the lines.
rm -f "$work/log.fifo" "$work"/f.safetensors* && mkfifo "$work/log.fifo"
fifo_run=("$dnafill" train --train "$train" --out "$work/f.safetensors" --preset tiny --threads 1 --batch 2 --seq-len 64
          --log "$work/log.fifo")
for steps in 10 20; do
  timeout 60 cat "$work/log.fifo" > "$work/fifo$steps.jsonl" &
  resume=$([ $steps = 20 ] && echo --resume)
  timeout 60 "${fifo_run[@]}" --steps $steps $resume > /dev/null || fail "a FIFO --log, --steps $steps $resume: exit $?"
  wait
  [ "$(wc -l < "$work/fifo$steps.jsonl")" = 10 ] || fail "the FIFO's reader got $(wc -l < "$work/fifo$steps.jsonl") lines, not 10"
done
python3 - "$work/real.jsonl" << 'PY' || exit 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
steps = [l["step"] for l in lines]
if steps != list(range(1, 41)):
    sys.exit(f"FAIL: steps in the log: {steps}")
if any(l["loss_bits"] == 9.0 for l in lines):
    sys.exit("FAIL: a line of the killed run is still in the log")
elapsed = [l["elapsed_s"] for l in lines]
if not (elapsed[19] > 0.2 and elapsed[20] >= elapsed[19]):
    sys.exit(f"FAIL: elapsed_s starts again: {elapsed[19]} at step 20, {elapsed[20]} at step 21")
print("ok: steps 1..40 once each")
PY

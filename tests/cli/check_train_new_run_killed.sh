#!/bin/bash
# A new run (no --resume) over an earlier run's checkpoint, killed outright (SIGKILL) before its first
# checkpoint: its log replaced the earlier one at its first step, and so its state goes then too. It
# was left, and --resume went on with the earlier run under the killed run's log lines.
# Usage: check_train_new_run_killed.sh DNAFILL WORK_DIR TRAIN.fa
set -u
dnafill=$1 work=$2 input=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && cd "$work" && rm -f k.*
train=("$dnafill" train --train "$input" --out k.safetensors --preset tiny --batch 2 --seq-len 128 --threads 1)
"${train[@]}" --steps 2 > /dev/null 2>&1 || fail "the earlier run failed"
[ -f k.safetensors.state ] || fail "the earlier run left no state"
"${train[@]}" --steps 1000000 --checkpoint-every 1000000 --valid-every 1000000 --seed 9 > /dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ "$(grep -c '"step"' k.safetensors.log.jsonl 2> /dev/null)" -ge 3 ] && break
  sleep 0.1
done
kill -9 $pid
wait $pid 2> /dev/null
[ -f k.safetensors ] || fail "the earlier checkpoint is gone"
[ -f k.safetensors.state ] && fail "the earlier run's state is still beside the new run's log"
"${train[@]}" --steps 4 --resume > /dev/null 2> resume.err && fail "--resume went on: $(cat resume.err)"
# A new run whose first step is saved (--steps 1) over an earlier run's state keeps its own state: the
# earlier one goes before that checkpoint, not after it (review: the run's own state was removed).
"${train[@]}" --steps 1 > /dev/null 2>&1 || fail "a one-step run failed"
"${train[@]}" --steps 1 --seed 5 > /dev/null 2>&1 || fail "a one-step run over the earlier one failed"
[ -f k.safetensors.state ] || fail "the one-step run over an earlier state left no state of its own"
"${train[@]}" --steps 2 --seed 5 --resume > /dev/null 2> seed5.err || fail "--resume of the one-step run failed: $(cat seed5.err)"
echo "ok: $(cat resume.err)"

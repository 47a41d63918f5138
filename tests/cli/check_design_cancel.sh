#!/bin/bash
# Ctrl-C during a recorded generate (one item: the whole sequence) stops it at the model's next step,
# not once the sequence is done: exit 130 within seconds, the run cancelled with no design kept, and
# the --out there before kept as it was. Usage: check_design_cancel.sh DNAFILL MODEL WORK_DIR
set -u
# A background job starts with SIGINT ignored (a shell without job control; a ctest started so), and
# dnafill keeps an ignored signal: the jobs here start with it as a terminal's foreground job has it.
run_job() { exec env --default-signal=INT "$@"; }  # in the background subshell: $! is the program
dnafill=$1 model=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/design_cancel.sqlite* "$work"/design_cancel.fa
echo ">earlier" > "$work/design_cancel.fa"
# 400,000 bases take about a minute here with the tiny model.
run_job "$dnafill" generate --model "$model" --length 400000 --threads 1 --db "$work/design_cancel.sqlite" \
  --out "$work/design_cancel.fa" > /dev/null 2> "$work/design_cancel.err" &
pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/design_cancel.sqlite" ] && break
  sleep 0.05
done
sleep 1
kill -INT $pid
for _ in $(seq 1 100); do  # at most 10 s
  kill -0 $pid 2> /dev/null || break
  sleep 0.1
done
kill -0 $pid 2> /dev/null && { kill -9 $pid; fail "still running 10 s after Ctrl-C"; }
wait $pid
status=$?
[ $status -eq 130 ] || fail "exit status $status after SIGINT, want 130: $(cat "$work/design_cancel.err")"
grep -q "stopping at the model's next step (Ctrl-C again to stop now)" "$work/design_cancel.err" || fail "no note: $(cat "$work/design_cancel.err")"
tail -1 "$work/design_cancel.err" | grep -q "^dnafill generate: cancelled (run 1 in .* keeps 0 designs)$" ||
  fail "last line: $(tail -1 "$work/design_cancel.err")"
"$dnafill" db list --db "$work/design_cancel.sqlite" | grep -Eq "^ +1  generate +cancelled " || fail "run not cancelled in the store"
[ "$(cat "$work/design_cancel.fa")" = ">earlier" ] || fail "--out was replaced"
echo "ok: generate stopped at the next step"

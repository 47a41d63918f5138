#!/bin/bash
# Two SIGTERMs sent back to back to a recorded generate: the first asks it to stop, the second ends it
# at once; the note is said once. The two can reach two threads at the same moment (torch's workers
# take signals too), which happened in 1 of 10 tries before the handler took the first signal alone:
# the test tries 12 times. Usage: check_double_signal.sh DNAFILL MODEL WORK_DIR
set -u
dnafill=$1 model=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work"
for try in $(seq 1 12); do
  rm -f "$work"/double.sqlite*
  "$dnafill" generate --model "$model" --length 400000 --threads 2 --db "$work/double.sqlite" \
    --out "$work/double.fa" > /dev/null 2> "$work/double.err" &
  pid=$!
  for _ in $(seq 1 200); do
    [ -s "$work/double.sqlite" ] && break
    sleep 0.05
  done
  sleep 1  # the guard is installed once the model is loaded (~15 ms after the store is made)
  kill -TERM $pid
  kill -TERM $pid
  wait $pid
  status=$?
  [ $status -eq 143 ] || fail "try $try: exit status $status after two SIGTERMs, want 143: $(cat "$work/double.err")"
  notes=$(grep -c "stopping at the model's next step (SIGTERM again to stop now)" "$work/double.err")
  [ "$notes" -eq 1 ] || fail "try $try: the note said $notes times: $(cat "$work/double.err")"
done
echo "ok: 12 double SIGTERMs, one note each"

#!/bin/bash
# Two SIGTERMs sent back to back to a recorded generate: the first asks it to stop, the second ends it
# at once; the note is said once. The two can reach two threads at the same moment (torch's workers
# take signals too), which happened in 1 of 10 tries before the handler took the first signal alone:
# the test tries 12 times. Then a batch, whose --out is written as it goes under a temporary name:
# ended at once by a second Ctrl-C, it leaves the --out there before as it was and no temporary file
# beside it (one was left). Usage: check_double_signal.sh DNAFILL MODEL WORK_DIR BATCH_IN.fa
set -u
dnafill=$1 model=$2 work=$3 batch_in=$4
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

rm -f "$work"/double_batch.*
echo ">earlier run's designs" > "$work/double_batch.fa"
env --default-signal=INT "$dnafill" batch --model "$model" --in "$batch_in" --mask lowercase --num 2 --steps 256 --threads 2 \
  --db "$work/double_batch.sqlite" --out "$work/double_batch.fa" > /dev/null 2> "$work/double_batch.err" &
pid=$!
for _ in $(seq 1 400); do
  compgen -G "$work/double_batch.fa.dnafill-*.tmp" > /dev/null && break
  sleep 0.05
done
compgen -G "$work/double_batch.fa.dnafill-*.tmp" > /dev/null || fail "batch: no temporary --out seen: $(cat "$work/double_batch.err")"
kill -INT $pid
sleep 0.3  # the first one said: the second ends the item in hand at once
kill -INT $pid
wait $pid
status=$?
[ $status -eq 130 ] || fail "batch: exit status $status after two Ctrl-Cs, want 130: $(cat "$work/double_batch.err")"
# Not the first one's clean stop (the item in hand done within the pause), which removes the file itself.
! grep -q "cancelled" "$work/double_batch.err" || fail "batch: stopped by the first Ctrl-C, not the second: $(cat "$work/double_batch.err")"
left=$(compgen -G "$work/double_batch.fa.dnafill-*.tmp")
[ -z "$left" ] || fail "batch: left beside --out: $left"
[ "$(cat "$work/double_batch.fa")" = ">earlier run's designs" ] || fail "batch: the --out there before was changed"
echo "ok: 12 double SIGTERMs, one note each; a batch's --out kept, no temporary file left"

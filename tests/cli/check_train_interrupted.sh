#!/bin/bash
# Ctrl-C (or SIGTERM) during train saves a checkpoint and its state after the step in hand, says so in
# one line, and exits 130 (143); the same command with --resume continues from there. The run used to
# die where it was, losing every step since the last --checkpoint-every. The log goes to /dev/stderr
# behind a plain `2> file`: it is written through stderr's own descriptor, so the lines printed on
# stderr after it (the stop notes) follow it instead of overwriting its first lines.
# Usage: check_train_interrupted.sh DNAFILL WORK_DIR TRAIN.fa
set -u
# A background job starts with SIGINT ignored (a shell without job control; a ctest started so), and
# dnafill keeps an ignored signal: the jobs here start with it as a terminal's foreground job has it.
run_job() { exec env --default-signal=INT "$@"; }  # in the background subshell: $! is the program
dnafill=$1 work=$2 input=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && cd "$work" && rm -f stop.* stop_err*.txt
train=("$dnafill" train --train "$input" --out stop.safetensors --preset tiny --steps 1000000 --batch 2 --seq-len 128
       --threads 1 --checkpoint-every 1000000 --valid-every 1000000 --log /dev/stderr)

# Starts the command in the background, waits for `lines` log lines in `err`, sends `signal`; its exit status.
stop_after() {
  local err=$1 lines=$2 signal=$3
  shift 3
  run_job "$@" 2> "$err" > /dev/null &
  local pid=$!
  for _ in $(seq 600); do
    [ "$(grep -c '"step"' "$err")" -ge "$lines" ] && break
    sleep 0.1
  done
  kill "-$signal" "$pid"
  for _ in $(seq 600); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid"
    fail "still training 60 s after SIG$signal"
  fi
  wait "$pid"
}

stop_after stop_err1.txt 3 INT "${train[@]}"
code=$?
[ "$code" -eq 130 ] || fail "Ctrl-C: exit $code, not 130: $(tail -n 2 stop_err1.txt)"
stopped=$(grep -E '^dnafill train: stopped at step [0-9]+ of 1000000; stop.safetensors and its state stop.safetensors.state keep it: the same command with --resume continues$' stop_err1.txt) ||
  fail "no line saying where the run stopped: $(tail -n 2 stop_err1.txt)"
step=$(sed -E 's/.* at step ([0-9]+) .*/\1/' <<< "$stopped")
[ -s stop.safetensors ] && [ -s stop.safetensors.state ] || fail "no checkpoint or state after Ctrl-C"
grep -q '"step":1,' <(head -n 1 stop_err1.txt) || fail "the log's first line was overwritten: $(head -n 1 stop_err1.txt)"
[ "$(grep -c '"step"' stop_err1.txt)" -eq "$step" ] || fail "$(grep -c '"step"' stop_err1.txt) log lines for $step steps"
grep -q "saving a checkpoint after this step, then stopping (Ctrl-C again to stop now)" stop_err1.txt || fail "no note at Ctrl-C"
# The step it stopped at is scored, as --max-minutes scores its last: the checkpoint's held-out figure is its own.
grep "\"step\":$step," stop_err1.txt | grep -q '"valid_bits"' || fail "step $step was saved without its held-out score"

# Resumed: the log goes on from the next step; SIGTERM stops it the same way.
stop_after stop_err2.txt 2 TERM "${train[@]}" --resume
code=$?
[ "$code" -eq 143 ] || fail "SIGTERM: exit $code, not 143: $(tail -n 2 stop_err2.txt)"
grep -q "\"step\":$((step + 1))," <(head -n 1 stop_err2.txt) || fail "--resume did not go on from step $((step + 1)): $(head -n 1 stop_err2.txt)"
grep -q "^dnafill train: stopped at step" stop_err2.txt || fail "no line after SIGTERM: $(tail -n 2 stop_err2.txt)"
# Before the first step (the data still being read, here from a FIFO held open): nothing is written, and
# a checkpoint already at --out stays as it was. A model of one step replaced it.
cp stop.safetensors stop_kept.safetensors
before=$(cksum < stop_kept.safetensors)
rm -f stop.fifo && mkfifo stop.fifo
exec 3<> stop.fifo
"$dnafill" train --train stop.fifo --out stop_kept.safetensors --preset tiny --steps 10 --batch 2 --seq-len 128 --threads 1 \
  --log stop_kept.log 2> stop_err3.txt > /dev/null 3>&- &
pid=$!
# Its handler is in place once SIGTERM (bit 15) is among the signals it catches.
for _ in $(seq 300); do
  caught=$(sed -n 's/^SigCgt:\t//p' "/proc/$pid/status" 2> /dev/null)
  [ -n "$caught" ] && (( 0x$caught & 0x4000 )) && break
  sleep 0.1
done
kill -TERM "$pid"
sleep 0.5
cat "$input" >&3
exec 3>&-
wait "$pid"
code=$?
[ "$code" -eq 143 ] || fail "SIGTERM before the first step: exit $code, not 143: $(cat stop_err3.txt)"
grep -q "^dnafill train: stopped before its first step; nothing was written$" stop_err3.txt || fail "not said: $(cat stop_err3.txt)"
[ "$(cksum < stop_kept.safetensors)" = "$before" ] || fail "the checkpoint at --out was replaced"
[ ! -e stop_kept.safetensors.state ] || fail "a state was written"
echo "ok: stopped at step $step with its checkpoint, exit 130, resumed from step $((step + 1)), exit 143; before the first step nothing written"

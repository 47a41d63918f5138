#!/bin/bash
# Signals ignored when a batch starts stay ignored: under nohup (SIGHUP) it outlives its terminal, and
# started in the background by a script (a shell without job control ignores SIGINT there, as this one
# does) a Ctrl-C meant for the script leaves it alone. A SIGHUP and a SIGINT sent mid-run change nothing,
# and the run ends done with every item. Usage:
#   check_batch_ignored_signals.sh DNAFILL WORK_DIR IN.fa VARIANTS [batch options...]
set -u
dnafill=$1 work=$2 input=$3 variants=$4
shift 4
check="python3 $(dirname "$0")/check_batch.py"
fail() { echo "FAIL: $*"; [ -n "${pid:-}" ] && kill -KILL "$pid" 2> /dev/null; exit 1; }  # the batch ignores INT and HUP
mkdir -p "$work" && rm -f "$work"/nohup.sqlite*
# As nohup starts a program: SIGHUP ignored here, which the program inherits; SIGINT is ignored by
# this shell for its background job (no `set -m`).
trap '' HUP
"$dnafill" batch --in "$input" --mask lowercase --num "$variants" "$@" --db "$work/nohup.sqlite" --out "$work/nohup.fa" \
  > /dev/null 2> "$work/nohup.err" &
pid=$!
for _ in $(seq 1 2000); do
  [ "$($check items "$work/nohup.sqlite" 2> /dev/null || echo 0)" -ge 1 ] && break
  kill -0 $pid 2> /dev/null || break
  sleep 0.02
done
grep -q "^SigIgn:.*[37bf]$" /proc/$pid/status || fail "SIGHUP and SIGINT, ignored when the batch started, are not both ignored in it now: $(grep SigIgn /proc/$pid/status)"
kill -HUP $pid 2> /dev/null && kill -INT $pid 2> /dev/null || fail "the batch ended before the signals: $(cat "$work/nohup.err")"
wait $pid
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGHUP and SIGINT, both ignored at the start, want 0: $(cat "$work/nohup.err")"
grep -q "stopping" "$work/nohup.err" && fail "an ignored signal was taken as a stop: $(cat "$work/nohup.err")"
[ "$($check status "$work/nohup.sqlite")" = "done resumes=0" ] || fail "run not done: $($check status "$work/nohup.sqlite")"
$check check "$work/nohup.sqlite" "$input" "$variants" "$work/nohup.fa" || fail "store and FASTA of the run"
echo "ok: SIGHUP and SIGINT ignored at the start stay ignored, run done with $($check items "$work/nohup.sqlite") items"

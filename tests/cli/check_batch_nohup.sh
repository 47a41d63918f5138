#!/bin/bash
# A batch started under nohup (SIGHUP ignored) outlives its terminal: a SIGHUP sent mid-run changes
# nothing, and the run ends done with every item. Usage:
#   check_batch_nohup.sh DNAFILL WORK_DIR IN.fa VARIANTS [batch options...]
set -u
dnafill=$1 work=$2 input=$3 variants=$4
shift 4
check="python3 $(dirname "$0")/check_batch.py"
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/nohup.sqlite*
# As nohup starts a program: SIGHUP ignored before exec, which the program inherits.
(trap '' HUP && exec "$dnafill" batch --in "$input" --mask lowercase --num "$variants" "$@" --db "$work/nohup.sqlite" --out "$work/nohup.fa") \
  > /dev/null 2> "$work/nohup.err" &
pid=$!
for _ in $(seq 1 2000); do
  [ "$($check items "$work/nohup.sqlite" 2> /dev/null || echo 0)" -ge 1 ] && break
  kill -0 $pid 2> /dev/null || break
  sleep 0.02
done
kill -HUP $pid 2> /dev/null || fail "the batch ended before the SIGHUP: $(cat "$work/nohup.err")"
wait $pid
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGHUP under nohup, want 0: $(cat "$work/nohup.err")"
grep -q "stopping" "$work/nohup.err" && fail "the ignored SIGHUP was taken as a stop: $(cat "$work/nohup.err")"
[ "$($check status "$work/nohup.sqlite")" = "done resumes=0" ] || fail "run not done: $($check status "$work/nohup.sqlite")"
$check check "$work/nohup.sqlite" "$input" "$variants" "$work/nohup.fa" || fail "store and FASTA of the run"
echo "ok: SIGHUP ignored under nohup, run done with $($check items "$work/nohup.sqlite") items"

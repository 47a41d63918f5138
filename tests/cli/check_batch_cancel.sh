#!/bin/bash
# Ctrl-C (SIGINT) during a batch finishes the item in hand, marks the run cancelled and exits 130
# with one line saying what is kept; the same command then resumes the run to the end. SIGNAL=TERM
# sends SIGTERM instead (exit 143), SIGNAL=HUP SIGHUP, a closed terminal (exit 129); the note names it.
# The store's file alone, without its WAL, holds what is kept; the --out file there before is kept as it
# was until the run is done (a cancelled run's designs are in the store). Usage:
#   [SIGNAL=TERM|HUP] check_batch_cancel.sh DNAFILL WORK_DIR IN.fa VARIANTS [batch options...]
set -u
# A background job starts with SIGINT ignored (a shell without job control; a ctest started so), and
# dnafill keeps an ignored signal: the jobs here start with it as a terminal's foreground job has it.
run_job() { exec env --default-signal=INT "$@"; }  # in the background subshell: $! is the program
signal=${SIGNAL:-INT}
case $signal in
  INT) want_status=130 again="Ctrl-C again" ;;
  TERM) want_status=143 again="SIGTERM again" ;;
  HUP) want_status=129 again="SIGHUP again" ;;
  *) echo "FAIL: SIGNAL must be INT, TERM or HUP"; exit 1 ;;
esac
dnafill=$1 work=$2 input=$3 variants=$4
shift 4
check="python3 $(dirname "$0")/check_batch.py"
batch=("$dnafill" batch --in "$input" --mask lowercase --num "$variants" "$@" --db "$work/cancel.sqlite" --out "$work/cancel.fa")
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/cancel.sqlite*
echo ">earlier run's designs" > "$work/cancel.fa"

run_job "${batch[@]}" > /dev/null 2> "$work/cancel.err" &
pid=$!
for _ in $(seq 1 2000); do
  [ "$($check items "$work/cancel.sqlite")" -ge 2 ] && break
  kill -0 $pid 2> /dev/null || break
  sleep 0.02
done
kill -$signal $pid
wait $pid
status=$?
[ $status -eq $want_status ] || fail "exit status $status after SIG$signal, want $want_status: $(cat "$work/cancel.err")"
grep -q "finishing the item in hand, then stopping ($again to stop now)" "$work/cancel.err" ||
  fail "no note naming '$again': $(cat "$work/cancel.err")"
tail -1 "$work/cancel.err" | grep -q "cancelled (run 1 in .* keeps [0-9]* designs; run the same command again to resume it)" ||
  fail "last stderr line: $(tail -1 "$work/cancel.err")"
[ "$($check status "$work/cancel.sqlite")" = "cancelled resumes=0" ] || fail "run not marked cancelled"
kept=$($check items "$work/cancel.sqlite")
total=$($check planned "$work/cancel.sqlite")
[ "$kept" -ge 2 ] && [ "$kept" -lt "$total" ] || fail "$kept of $total items kept"
cp "$work/cancel.sqlite" "$work/alone.sqlite" && rm -f "$work"/alone.sqlite-*
[ "$($check items "$work/alone.sqlite")" = "$kept" ] || fail "the store's file alone does not hold the $kept items kept"
[ "$(cat "$work/cancel.fa")" = ">earlier run's designs" ] || fail "the cancelled run replaced the --out file there before"
"${batch[@]}" | grep -q "resumed and done" || fail "the cancelled run was not resumed"
$check check "$work/cancel.sqlite" "$input" "$variants" "$work/cancel.fa" || fail "resumed store and FASTA"
echo "ok: cancelled with $kept of $total items kept, resumed to the end"

#!/bin/bash
# SIGTERM while the studio designs: the window ends as if closed, exit 143, and the run ends
# "cancelled" in the store rather than left "running". SIGNAL=HUP sends SIGHUP instead (a closed
# terminal), exit 129. Usage: [SIGNAL=HUP] check_studio_sigterm.sh STUDIO DNAFILL MODEL WORK_DIR
set -u
signal=${SIGNAL:-TERM}
want=$([ "$signal" = HUP ] && echo 129 || echo 143)
studio=$1 dnafill=$2 model=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/sigterm.sqlite* "$work/sigterm.fa"
python3 -c "
import random; random.seed(1)
s = ''.join(random.choice('ACGT') for _ in range(400000))
print('>big'); print('\n'.join(s[i:i + 60] for i in range(0, len(s), 60)))" > "$work/sigterm.fa"
"$studio" --no-restore --threads 1 --model "$model" --db "$work/sigterm.sqlite" --select 1-400000 --mask selection \
  --generate "$work/sigterm.fa" 2> /dev/null &
pid=$!
for _ in $(seq 1 240); do
  "$dnafill" db list --db "$work/sigterm.sqlite" 2> /dev/null | grep -q " running " && break
  sleep 0.25
done
"$dnafill" db list --db "$work/sigterm.sqlite" | grep -q " running " || { kill -9 $pid; fail "no design started"; }
kill -$signal $pid
for _ in $(seq 1 120); do kill -0 $pid 2> /dev/null || break; sleep 0.25; done
kill -0 $pid 2> /dev/null && { kill -9 $pid; fail "still running 30 s after SIG$signal"; }
wait $pid
status=$?
[ "$status" -eq "$want" ] || fail "exit $status, want $want"
"$dnafill" db list --db "$work/sigterm.sqlite" | grep -q " cancelled " || fail "the run is not cancelled: $("$dnafill" db list --db "$work/sigterm.sqlite")"
echo "ok: exit $want, the run cancelled"

#!/bin/bash
# A store removed while a batch writes into it: SQLite writes on into the removed file, so the run is
# in no file anyone can open. The batch says so (exit 1) instead of "done"; its --out keeps the designs.
#   check_store_removed.sh DNAFILL WORK_DIR IN.fa [batch options...]
set -u
dnafill=$1 work=$2 input=$3
shift 3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/removed.sqlite* "$work"/removed.fa
# The first design's JSON line comes after its item is in the store; the store goes then, while the
# items after it are still to come.
"$dnafill" batch --in "$input" --mask lowercase "$@" --db "$work/removed.sqlite" --out "$work/removed.fa" --json \
  2> "$work/removed.err" | { read -r _ && rm -f "$work"/removed.sqlite*; cat > /dev/null; }
status=${PIPESTATUS[0]}
[ $status -eq 1 ] || fail "exit status $status, want 1: $(cat "$work/removed.err")"
[ "$(wc -l < "$work/removed.err")" -eq 1 ] || fail "want one line on stderr: $(cat "$work/removed.err")"
grep -c '^>' "$work/removed.fa" > /dev/null || fail "--out holds no design"
echo "ok: $(cat "$work/removed.err")"

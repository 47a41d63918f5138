#!/bin/bash
# An output that fails under a batch (standard output on a full disk) ends it with exit 1 and one line
# that counts the designs the store holds, not those the failed output took; and a batch that has
# them all, run again with an --out that cannot be written, stays done.
# Usage: check_batch_output_fails.sh DNAFILL WORK_DIR IN.fa [batch options...]
set -u
dnafill=$1 work=$2 input=$3
shift 3
batch=("$dnafill" batch --in "$input" --mask lowercase "$@" --db "$work/s.sqlite")
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/s.sqlite*
stored() { "$dnafill" db export --db "$work/s.sqlite" --format jsonl | wc -l; }

err=$("${batch[@]}" --json 2>&1 > /dev/full)
[ $? -eq 1 ] || fail "exit status $? with stdout on /dev/full"
kept=$(grep -o "keeps [0-9]* designs" <<< "$err" | cut -d' ' -f2)
[ "$kept" = "$(stored)" ] || fail "says it keeps '$kept' designs, the store holds $(stored): $err"

"${batch[@]}" > /dev/null || fail "the resumed run failed"
total=$(stored)
err=$("${batch[@]}" --out /dev/full 2>&1)
[ $? -eq 1 ] || fail "exit status $? with --out /dev/full"
grep -q "keeps $total designs; dnafill db export" <<< "$err" || fail "the done run again said: $err"
"$dnafill" db list --db "$work/s.sqlite" | grep -q " done  *$total/$total " || fail "the done run is not done: $("$dnafill" db list --db "$work/s.sqlite")"
echo "ok: the count is the store's ($kept, then $total), the done run stays done"

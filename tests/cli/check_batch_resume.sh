#!/bin/bash
# A batch killed with SIGKILL mid-run is listed as interrupted, and run again with the same arguments
# resumes its run and ends with exactly the designs of an uninterrupted run: each once, integrity_check ok, the FASTA and the
# export equal to the uninterrupted run's. Usage:
#   check_batch_resume.sh DNAFILL WORK_DIR IN.fa VARIANTS [batch options...]
set -u
dnafill=$1 work=$2 input=$3 variants=$4
shift 4
here=$(dirname "$0")
check="python3 $here/check_batch.py"
batch=("$dnafill" batch --in "$input" --mask lowercase --num "$variants" "$@")
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work"
rm -f "$work"/ref.sqlite* "$work"/kill.sqlite* "$work"/ref.fa "$work"/kill.fa "$work"/export.fa

# The designs an uninterrupted run makes.
"${batch[@]}" --db "$work/ref.sqlite" --out "$work/ref.fa" > /dev/null || fail "reference run failed"
total=$($check items "$work/ref.sqlite")

# The same run, killed outright once a few items are committed.
"${batch[@]}" --db "$work/kill.sqlite" --out "$work/kill.fa" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 2000); do
  [ "$($check items "$work/kill.sqlite")" -ge 3 ] && break
  kill -0 $pid 2> /dev/null || break
  sleep 0.02
done
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
at_kill=$($check items "$work/kill.sqlite")
[ "$at_kill" -gt 0 ] && [ "$at_kill" -lt "$total" ] ||
  fail "not killed mid-run: $at_kill of $total items done (make the input larger or the items slower)"
[ "$($check status "$work/kill.sqlite")" = "running resumes=0" ] || fail "the killed run is not left running"
"$dnafill" db list --db "$work/kill.sqlite" | grep -Eq "^ +1  batch +interrupted " ||
  fail "db list does not show the killed run as interrupted"

# Again, same arguments: it takes the run up, designs only what is missing.
out=$("${batch[@]}" --db "$work/kill.sqlite" --out "$work/kill.fa") || fail "resumed run failed"
echo "$out"
grep -q "run 1 in .*: resumed and done" <<< "$out" || fail "did not resume run 1"
[ "$($check status "$work/kill.sqlite")" = "done resumes=1" ] || fail "run not done after the resume"

$check check "$work/kill.sqlite" "$input" "$variants" "$work/kill.fa" || fail "resumed store"
$check same "$work/ref.sqlite" "$work/kill.sqlite" || fail "resumed designs differ from the uninterrupted run's"
cmp "$work/ref.fa" "$work/kill.fa" || fail "resumed FASTA differs from the uninterrupted run's"
"$dnafill" db export --db "$work/kill.sqlite" --run 1 --format fasta --out "$work/export.fa" || fail "export"
cmp "$work/kill.fa" "$work/export.fa" || fail "export differs from the batch FASTA"
lines=$("$dnafill" db export --db "$work/kill.sqlite" --format jsonl | wc -l)
[ "$lines" -eq $((total * variants)) ] || fail "jsonl export has $lines lines, want $((total * variants))"
echo "ok: killed at $at_kill of $total items, resumed to all $((total * variants)) designs, each once"

#!/bin/bash
# Results written to a full disk are not lost without a word: every command that prints to standard
# output, run with it on /dev/full, fails with one line, "standard output: cannot write: ...", and exit 1.
# Usage: check_full_stdout.sh DNAFILL DATA_DIR MODEL WORK_DIR
set -u
dnafill=$1 data=$2 model=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/full.sqlite*
"$dnafill" generate --model "$model" --length 20 --steps 2 --threads 1 --db "$work/full.sqlite" > /dev/null || fail "no store"
design=(--model "$model" --steps 2 --score-draws 1 --threads 1)
while IFS= read -r line; do
  read -ra args <<< "$line"
  err=$("$dnafill" "${args[@]}" 2>&1 > /dev/full)
  status=$?
  [ "$status" -eq 1 ] || fail "exit $status (want 1): dnafill $line"
  words=${line%% --*}
  grep -q "^dnafill ${words% *[0-9]}: standard output: cannot write: No space left on device$" <<< "$err" && [ "$(wc -l <<< "$err")" -eq 1 ] ||
    fail "dnafill $line said: $err"
done << LIST
info --model $model
info --model $model --json
score --model $model --in $data/cli/short.fa --mc 1 --threads 1
score --model $model --in $data/cli/short.fa --mc 1 --threads 1 --json
infill ${design[*]} --in $data/cli/short.fa --region short:5-20 --json
infill ${design[*]} --in $data/cli/short.fa --region short:5-20
generate ${design[*]} --length 30 --json
generate ${design[*]} --length 2000 --num 4 --json
view --in $data/cli/short.fa
db list --db $work/full.sqlite
db show 1 --db $work/full.sqlite
db export --db $work/full.sqlite --format jsonl
train --help
db export --help
LIST
echo "ok: every command says it cannot write"

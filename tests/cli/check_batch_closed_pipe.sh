#!/bin/bash
# A reader of batch --json that goes away (| head) ends the run failed, with one line, and the same
# command resumes it: SIGPIPE ended the process in the middle of the run, silently, exit 141, the
# run left "running" in the store. Usage: check_batch_closed_pipe.sh DNAFILL WORK_DIR IN.fa [batch options...]
set -u
dnafill=$1 work=$2 input=$3
shift 3
store=$work/pipe.sqlite
batch=("$dnafill" batch --in "$input" --mask lowercase "$@" --db "$store")
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$store"*

"${batch[@]}" --json 2> "$work/pipe.err" | head -n 1 > /dev/null
code=${PIPESTATUS[0]}
err=$(cat "$work/pipe.err")
[ "$code" -eq 1 ] || fail "exit $code, not 1: $err"
grep -Eq "^dnafill batch: standard output: cannot write: Broken pipe \(run 1 in .* keeps [0-9]+ designs?; run the same command again to resume it\)$" <<< "$err" ||
  fail "not the one line of a closed pipe: $err"
"$dnafill" db list --db "$store" | grep -Eq "^ +1 +batch +failed" || fail "the run is not failed: $("$dnafill" db list --db "$store")"
"${batch[@]}" > /dev/null || fail "the same command does not resume the run"
"$dnafill" db list --db "$store" | grep -Eq "^ +1 +batch +done +208/208" || fail "the resumed run is not done: $("$dnafill" db list --db "$store")"
echo "ok: a closed pipe fails the run with one line ($err), and it resumes"

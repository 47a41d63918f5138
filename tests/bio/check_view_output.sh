#!/bin/bash
# Runs a command that must succeed with nothing on stderr and print exactly EXPECTED on stdout.
# Usage: check_view_output.sh EXPECTED_FILE COMMAND [ARGS...]
expected=$1
shift
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" > "$out" 2> "$err"
status=$?
if [ "$status" -ne 0 ] || [ -s "$err" ]; then
  echo "FAIL: exit status $status: $*"; cat "$err"; exit 1
fi
if ! cmp -s "$out" "$expected"; then
  echo "FAIL: output differs from $expected: $*"; diff "$expected" "$out" | head -20; exit 1
fi
echo ok

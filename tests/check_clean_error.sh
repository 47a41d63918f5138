#!/bin/bash
# Runs a command that must fail cleanly: exit status non-zero and below 128 (no signal, no crash)
# and exactly one line on stderr. Usage: check_clean_error.sh COMMAND [ARGS...]
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" > /dev/null 2> "$err"
status=$?
lines=$(wc -l < "$err")
if [ "$status" -eq 0 ] || [ "$status" -ge 128 ]; then
  echo "FAIL: exit status $status (want 1..127): $*"; cat "$err"; exit 1
fi
if [ "$lines" -ne 1 ] || [ "$(tail -c 1 "$err" | od -An -c | tr -d ' ')" != '\n' ]; then
  echo "FAIL: $lines lines on stderr (want exactly one): $*"; cat "$err"; exit 1
fi
echo "ok ($status): $(cat "$err")"

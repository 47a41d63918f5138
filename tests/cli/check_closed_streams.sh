#!/bin/bash
# A command started with standard output or standard error closed (>&-, a daemon, a cron job) leaves
# the store alone: the store once took the closed number, and what was printed landed over its header.
# Usage: check_closed_streams.sh DNAFILL MODEL WORK_DIR
set -u
dnafill=$1 model=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -f "$work"/*.sqlite* "$work"/*.err
"$dnafill" generate --model "$model" --length 40 --steps 4 --threads 1 --db "$work/made.sqlite" > /dev/null ||
  fail "generate into a store"
intact() {  # the store still lists its run
  "$dnafill" db list --db "$1" 2> /dev/null | grep -Eq "^ +1  generate +done " || fail "$2: the store was damaged: $(head -c 60 "$1" | tr -c '[:print:]' .)"
}
n=0
check() {  # check WHAT EXPECTED_STATUS CLOSES COMMAND...: runs COMMAND on a copy of the store
  local what=$1 want=$2 closes=$3
  shift 3
  n=$((n + 1))
  local store="$work/copy$n.sqlite"
  cp "$work/made.sqlite" "$store"
  if [ "$closes" = out ]; then
    "$dnafill" "$@" --db "$store" >&- 2> "$work/$n.err"
  else
    "$dnafill" "$@" --db "$store" 2>&- > /dev/null
  fi
  local status=$?
  [ $status -eq "$want" ] || fail "$what: exit status $status, want $want: $(cat "$work/$n.err" 2> /dev/null)"
  intact "$store" "$what"
}
check "db export >&-" 1 out db export
check "db export --format jsonl >&-" 1 out db export --format jsonl
grep -q "^dnafill db export: standard output: cannot create: Bad file descriptor" "$work/1.err" ||
  fail "db export >&- said: $(cat "$work/1.err")"
check "generate >&-" 1 out generate --model "$model" --length 30 --steps 4 --threads 1
check "db show 99 2>&-" 1 err db show 99
check "db export --run 99 2>&-" 1 err db export --run 99
echo "ok: $n commands with a closed stream left the store whole"

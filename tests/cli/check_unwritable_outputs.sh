#!/bin/bash
# An output that may not be written (a read-only file, a folder that takes no new file) is refused
# before any design is made: found after them, it threw them all away (and a --db store already
# held the run). Permissions do not bind root, so as root the commands run as nobody (setpriv).
# Usage: check_unwritable_outputs.sh DNAFILL WORK_DIR MODEL IN.fa
set -u
dnafill=$1 work=$2 model=$3 input=$4
fail() { echo "FAIL: $*"; chmod -R u+w "$work" 2> /dev/null; exit 1; }
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod -R u+w "$work" 2> /dev/null
rm -rf "$work" && mkdir -p "$work/shut" "$work/open" || fail "cannot make $work"
cp "$input" "$work/open/in.fa" && printf '>keep\nACGT\n' > "$work/open/kept.fa" || fail "cannot copy the input"
chmod 0444 "$work/open/kept.fa" && chmod 0555 "$work/shut" && chmod 0777 "$work/open" || fail "chmod"
fast=(--model "$model" --steps 2 --score-draws 0 --threads 1)

# expect WHAT MESSAGE COMMAND...: exit 1, MESSAGE on stderr, and no store made.
expect() {
  local what=$1 message=$2
  shift 2
  rm -f "$work/open/s.db"
  local err
  err=$("${as_user[@]}" "$dnafill" "$@" --db "$work/open/s.db" 2>&1 > /dev/null)
  local code=$?
  [ "$code" -eq 1 ] || fail "$what: exit $code, not 1: $err"
  grep -q -- "$message" <<< "$err" || fail "$what: the message does not say '$message': $err"
  [ -e "$work/open/s.db" ] && fail "$what: a store was made before the refusal"
  cmp -s "$work/open/kept.fa" <(printf '>keep\nACGT\n') || fail "$what: the read-only file changed"
  echo "ok: $what: $err"
}
expect "generate into a shut folder" "--out: $work/shut/new.fa cannot be made: the folder $work/shut is not writable" \
  generate "${fast[@]}" --length 200 --out "$work/shut/new.fa"
expect "generate onto a read-only file" "--out: $work/open/kept.fa may not be written" \
  generate "${fast[@]}" --length 200 --out "$work/open/kept.fa"
expect "infill report into a shut folder" "--report: $work/shut/r.tsv cannot be made" \
  infill "${fast[@]}" --in "$work/open/in.fa" --mask lowercase --report "$work/shut/r.tsv"
expect "batch into a shut folder" "--out: $work/shut/b.fa cannot be made" \
  batch "${fast[@]}" --in "$work/open/in.fa" --mask lowercase --out "$work/shut/b.fa"
chmod -R u+w "$work"
echo "ok: every unwritable output refused before the work"

#!/bin/bash
# --screenshot replaces only a picture, never a file of the session (a new --db of the same name) or a
# file of another kind named x.png; and a picture that cannot be written whole (a file size limit,
# as a full disk) leaves the old one as it was, exit 1. QSaveFile renamed a cut-short PNG over it.
# Usage: check_studio_screenshot.sh STUDIO MODEL IN.fa WORK_DIR
set -u
studio=$1 model=$2 input=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || fail "cannot make $work"
run() { timeout 120 "$studio" --no-restore --quit --model "$model" "$@" 2>&1 | grep -v propagateSizeHints; return "${PIPESTATUS[0]}"; }

printf 'notes, not a picture\n' > "$work/notes.png"
out=$(run --db "$work/s.db" "$input" --screenshot "$work/notes.png"); code=$?
[ "$code" -eq 2 ] || fail "a file of another kind: exit $code: $out"
grep -q "notes.png is there and is not a picture (it holds other data): it would be replaced" <<< "$out" || fail "$out"
grep -q "notes, not a picture" "$work/notes.png" || fail "notes.png was replaced"

out=$(run --db "$work/own.png" "$input" --screenshot "$work/own.png"); code=$?
[ "$code" -eq 2 ] || fail "the store's name: exit $code: $out"
grep -q "own.png is --db" <<< "$out" || fail "$out"

run --db "$work/s.db" "$input" --screenshot "$work/old.png" > /dev/null || fail "no first picture"
cp "$work/old.png" "$work/kept.png"
out=$(trap '' XFSZ; ulimit -f 40; run --db "$work/s.db" "$input" --screenshot "$work/old.png"); code=$?
[ "$code" -eq 1 ] || fail "a picture cut short: exit $code: $out"
grep -q "cannot write .*old.png: File too large" <<< "$out" || fail "$out"
cmp -s "$work/old.png" "$work/kept.png" || fail "the old picture was not kept"
ls "$work"/old.png.* 2> /dev/null && fail "a temporary file was left"
echo "ok: only a picture is replaced, and whole"

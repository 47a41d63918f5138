#!/usr/bin/env bash
# A batch under constraints no base can meet: every design is made, kept in the store and marked
# failed, and the run ends with one line on stderr and exit 1, as infill does, and so again when the
# done run is run again (its designs, found done, are still the run's). Then a feasible set:
# exit 0, every design ok.
# Usage: check_batch_constraints.sh DNAFILL OUT_DIR FASTA BED [design options...]
set -u
dnafill=$1 out=$2 fasta=$3 bed=$4
shift 4
mkdir -p "$out"
rm -f "$out"/impossible.sqlite* "$out"/feasible.sqlite*
fail() { echo "FAIL: $*"; exit 1; }

"$dnafill" batch --in "$fasta" --mask "bed:$bed" --num 2 "$@" --gc 100-100 --avoid S --db "$out/impossible.sqlite" \
  > "$out/impossible.out" 2> "$out/impossible.err"
code=$?
[ "$code" -eq 1 ] || fail "impossible rules: exit $code (want 1)"
[ "$(wc -l < "$out/impossible.err")" -eq 1 ] || fail "impossible rules: stderr is not one line: $(cat "$out/impossible.err")"
grep -q "no design meets the constraints (4 of 4 violate them; first: " "$out/impossible.err" || fail "stderr: $(cat "$out/impossible.err")"
failed=$("$dnafill" db show 1 --db "$out/impossible.sqlite" | grep -c ' FAILED$')
[ "$failed" -eq 4 ] || fail "the store keeps $failed failed designs (want 4)"
# chrB's hole (391-400) is designed in a piece cut from the record a window before it: the details
# number it as the record does (they once said the piece's 257-266 where the position said 391).
"$dnafill" db export --run 1 --format jsonl --db "$out/impossible.sqlite" > "$out/impossible.jsonl" || fail "db export"
details=$(grep '"record":"chrB"' "$out/impossible.jsonl" | grep -o '"detail":"[^"]*"')
[ -n "$details" ] || fail "no chrB violation in the store: $(cat "$out/impossible.jsonl")"
bad=$(printf '%s\n' "$details" | grep -v ' at 39[1-9]-\(39[1-9]\|400\)\b')
[ -z "$bad" ] || fail "chrB details not numbered in the record: $bad"
# Run again, the run is done: the designs found done are the run's, and it ends as it did.
"$dnafill" batch --in "$fasta" --mask "bed:$bed" --num 2 "$@" --gc 100-100 --avoid S --db "$out/impossible.sqlite" \
  > "$out/again.out" 2> "$out/again.err"
code=$?
[ "$code" -eq 1 ] || fail "impossible rules run again: exit $code (want 1)"
cmp -s "$out/impossible.err" "$out/again.err" || fail "run again, it says: $(cat "$out/again.err")"

"$dnafill" batch --in "$fasta" --mask "bed:$bed" --num 2 "$@" --avoid EcoRI --max-homopolymer 3 --db "$out/feasible.sqlite" \
  > "$out/feasible.out" 2> "$out/feasible.err" || fail "feasible rules: exit $? $(cat "$out/feasible.err")"
ok=$("$dnafill" db show 1 --db "$out/feasible.sqlite" | grep -c ' ok$')
[ "$ok" -eq 4 ] || fail "feasible rules: $ok of 4 designs ok"
echo "ok: impossible rules -> exit 1, $(cat "$out/impossible.err"); feasible rules -> 4 of 4 ok"

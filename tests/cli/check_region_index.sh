#!/bin/bash
# infill and score --region read only the named record when the file's faidx index is beside it, and
# design and score exactly as when they read the file through: the record keeps its number in the
# file, which seeds its designs and which the store keeps. The proof that only one record is read: a
# last record that is not DNA fails the read-through and not the indexed run.
#   check_region_index.sh DNAFILL WORK_DIR DESIGN.fa MODEL
set -u
dnafill=$1 work=$2 input=$3 model=$4
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work/plain" "$work/indexed" || fail "cannot make $work"
cp "$input" "$work/plain/g.fa" && cp "$input" "$work/indexed/g.fa" || fail "cannot copy $input"
printf '>broken\nACGT!!ACGT\n' >> "$work/indexed/g.fa"  # faidx indexes it: it checks the layout, not the letters
"$dnafill" view --in "$work/indexed/g.fa" --region chrB:1-2 > /dev/null && test -s "$work/indexed/g.fa.fai" ||
  fail "view did not index $work/indexed/g.fa"
for where in plain indexed; do
  "$dnafill" infill --in "$work/$where/g.fa" --region chrB:351-380 --num 2 --json --model "$model" --steps 4 \
    --threads 1 --db "$work/$where.sqlite" > "$work/$where.json" 2> "$work/$where.err" ||
    fail "infill of the $where file: $(cat "$work/$where.err")"
  "$dnafill" db export --db "$work/$where.sqlite" --format jsonl > "$work/$where.export" || fail "db export"
  "$dnafill" score --in "$work/$where/g.fa" --region chrB:351-380 --mc 2 --threads 1 --model "$model" \
    > "$work/$where.score" 2> "$work/$where.err" || fail "score of the $where file: $(cat "$work/$where.err")"
done
test "$(wc -l < "$work/indexed.json")" -eq 2 || fail "want 2 designs: $(cat "$work/indexed.json")"
cmp -s "$work/plain.json" "$work/indexed.json" || fail "the designs differ"
grep -q '"record_index":1,' "$work/indexed.export" && cmp -s "$work/plain.export" "$work/indexed.export" ||
  fail "the stores differ: $(head -c 400 "$work/indexed.export")"
sed -i 's/plain/indexed/' "$work/plain.score"
cmp -s "$work/plain.score" "$work/indexed.score" || fail "the scores differ: $(cat "$work/plain.score" "$work/indexed.score")"
# Without its index the file is read through, and its last record refused.
mv "$work/indexed/g.fa.fai" "$work/g.fa.fai.away"
"$dnafill" infill --in "$work/indexed/g.fa" --region chrB:351-380 --model "$model" --steps 4 --threads 1 \
  > /dev/null 2> "$work/through.err" && fail "the read-through took the broken record"
grep -q "invalid character '!'" "$work/through.err" || fail "the read-through says: $(cat "$work/through.err")"
# What faidx indexes but the fetch refuses is read through, as without the index: a space among the
# bases (the reader drops it) designs, and a byte that is no base is refused in the reader's words.
printf '>a\nACGTACGTAC\n>b\nACG TACGTA\nACG TACGTA\nACGT\n' > "$work/space.fa"
printf '>a\nACGTACGTAC\n>c\nACGTACGTAC\nACGT!CGTAC\nACG\n' > "$work/bang.fa"
for odd in space bang; do
  "$dnafill" view --in "$work/$odd.fa" --region a:1-2 > /dev/null && test -s "$work/$odd.fa.fai" || fail "view did not index $odd.fa"
done
"$dnafill" infill --in "$work/space.fa" --region b:3-6 --model "$model" --steps 4 --threads 1 > /dev/null 2> "$work/odd.err" ||
  fail "the record with spaces: $(cat "$work/odd.err")"
"$dnafill" infill --in "$work/bang.fa" --region c:3-6 --model "$model" --steps 4 --threads 1 > /dev/null 2> "$work/odd.err" &&
  fail "the record with '!' was designed"
grep -q "record 'c' line 5: column 5: invalid character '!'" "$work/odd.err" || fail "the '!' is said: $(cat "$work/odd.err")"
echo "ok: one record read through the index, the same designs, store and score as the read-through: $(head -1 "$work/indexed.score")"

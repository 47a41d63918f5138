#!/bin/bash
# generate --prefix of several records suggests a `dnafill view` line that writes the first; run as
# suggested, it must give that record, also when its name reads as a range of another ("x:1-5" beside
# "x") or holds a quote, and the file's name is not ASCII. None is given where a region cannot work.
# Usage: check_prefix_suggestion.sh DNAFILL MODEL WORK_DIR
set -u
dnafill=$1 model=$2 work=$3
mkdir -p "$work" || exit 1
for first in "x:1-5" "it's"; do
  input="$work/two récords.fa"
  rm -f "$input" "$input.fai"
  printf '>%s\nACGTACGTAC\n>x\nGGGGGCCCCC\n' "$first" > "$input"
  message=$("$dnafill" generate --model "$model" --length 5 --prefix "$input" 2>&1) && { echo "FAIL: accepted"; exit 1; }
  line=$(sed -n 's/.*(dnafill view \(.*\) > one\.fa writes the first)$/\1/p' <<< "$message")
  [ -n "$line" ] || { echo "FAIL: no suggestion in: $message"; exit 1; }
  got=$(eval "\"\$dnafill\" view $line") || { echo "FAIL: the suggestion fails: $line"; exit 1; }
  [ "$got" = ">$first"$'\n'"ACGTACGTAC" ] || { echo "FAIL: the suggestion gives: $got"; exit 1; }
done
# Two records of one name: a region cannot name either, so no view line is suggested.
printf '>a\nACGT\n>a\nACGT\n' > "$work/dup.fa"
message=$("$dnafill" generate --model "$model" --length 5 --prefix "$work/dup.fa" 2>&1) && { echo "FAIL: accepted"; exit 1; }
grep -q "give a file of one record$" <<< "$message" || { echo "FAIL: a suggestion for a name used twice: $message"; exit 1; }
echo "ok: the suggested view line writes the first record, and none is given for a name used twice"

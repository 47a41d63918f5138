#!/usr/bin/env bash
# The main job on the shipped default model: set up, then design the masked regions of a bundled
# example as whole files are designed: examples/chrX_holes.fa holds three 1 kb pieces of held-out human
# chrX (never seen in training) with four lowercase holes of 100-200 bases. batch designs 3 variants
# of each into a SQLite store and a FASTA; the store then shows the run and a table of its designs,
# and score gives the model's bits/base of the true holes for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dnafill=build/app/dnafill
example=examples/chrX_holes.fa
store=build/demo.sqlite
rm -f "$store" "$store-wal" "$store-shm"  # a fresh store each time: the run below is run 1
echo
$dnafill info
echo
echo "== batch: every lowercase hole of $example, 3 variants each, into $store and build/demo_designs.fa"
$dnafill batch --in "$example" --mask lowercase --num 3 --db "$store" --out build/demo_designs.fa
echo
echo "== the run and its designs, read back from the store"
$dnafill db show 1 --db "$store"
echo
echo "== the true bases of those holes, given the rest (the designs' bits/base above are on the same scale)"
$dnafill score --in "$example" --mask lowercase

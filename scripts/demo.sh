#!/usr/bin/env bash
# The main job on the shipped default model: set up, then infill a 200-base hole of held-out human DNA
# (examples/chrX_heldout.fa: windows from the last 10% of chrX, never seen in training) with 4 variants,
# and score the true hole and the whole file for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dnafill=build/app/dnafill
region="X:62999938-63001985:925-1124"
echo
$dnafill info
echo
echo "== infill $region, 4 variants (FASTA in build/demo_designs.fa)"
$dnafill infill --in examples/chrX_heldout.fa --region "$region" --num 4 --out build/demo_designs.fa
echo
echo "== the true bases of that hole, given the rest"
$dnafill score --in examples/chrX_heldout.fa --region "$region"
echo
echo "== the whole held-out example"
$dnafill score --in examples/chrX_heldout.fa

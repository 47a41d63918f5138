#!/usr/bin/env bash
# The main job on the shipped default model: set up, then score the bundled held-out human DNA.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo
build/app/dnafill info
echo
build/app/dnafill score --in examples/chrX_heldout.fa

#!/usr/bin/env bash
# The README's screenshot: dnafill-studio on a virtual display (Xvfb), used as a person would: open
# the bundled held-out human example, mask its lowercase holes, generate 4 variants with the shipped
# small model under the twist synthesis rules with EcoRI and BsaI kept out, show the first with its
# differences and the model's per-base confidence, and save the window as docs/studio.png.
# Needs a build (scripts/setup.sh) with dnafill-studio in it.
set -euo pipefail
cd "$(dirname "$0")/.."
studio=build/app/dnafill-studio
out=${1:-docs/studio.png}
[ -x "$studio" ] || { echo "screenshot: $studio is missing (run scripts/setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A settings folder and a store of its own: the screenshot shows run 1, whatever the user has done.
XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$studio" --db "$work/designs.sqlite" --size 1400x900 --no-restore \
  examples/chrX_holes.fa --record 3 --mask lowercase --constraints twist --avoid EcoRI,BsaI \
  --generate --show-variant 1 --screenshot "$out"

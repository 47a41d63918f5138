#!/usr/bin/env bash
# What one device call would carry, against its 64 MiB: the repository's working tree (the files git
# tracks, and those it neither tracks nor ignores) plus the ignored paths given, as in the device tool's
# `carry`. Run it here before a GPU session; exit 1 when it does not fit.
#   scripts/device_carry.sh [PATH...]   (default: .device/debs .device/heldout128.fa .device/data/chrX_train.fa.xz,
#                                        the carry of device_check.sh's phases with CORPUS=chrX)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- .device/debs .device/heldout128.fa .device/data/chrX_train.fa.xz
bytes() { if [ $# -eq 0 ]; then echo 0; else du -cb -- "$@" | tail -1 | cut -f1; fi; }
mapfile -d '' tree < <(git ls-files -z --cached --others --exclude-standard)
existing=()
for f in "${tree[@]}"; do [ -e "$f" ] && existing+=("$f"); done
tree_bytes=$(printf '%s\0' "${existing[@]}" | du -cb --files0-from=- | tail -1 | cut -f1)
for p in "$@"; do [ -e "$p" ] || { echo "device_carry: $p: no such file or folder (scripts/device_data.sh, scripts/device_debs.sh)" >&2; exit 2; }; done
carry_bytes=$(bytes "$@")
limit=$((64 * 1024 * 1024))
total=$((tree_bytes + carry_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }
echo "working tree $(mib "$tree_bytes") + carry $(mib "$carry_bytes") = $(mib "$total") of 64 MiB"
if [ "$total" -gt "$limit" ]; then
  echo "device_carry: over by $(mib $((total - limit))): carry less, or make the repository smaller" >&2
  exit 1
fi
echo "room left: $(mib $((limit - total)))"

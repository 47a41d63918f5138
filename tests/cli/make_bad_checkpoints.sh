#!/bin/bash
# From a good checkpoint, makes a truncated one and one with an altered byte (for the error tests).
# Usage: make_bad_checkpoints.sh GOOD.safetensors OUT_DIR
set -eu
good=$1
out=$2
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" > "$out/truncated.safetensors"
cp "$good" "$out/altered.safetensors"
# Flip one byte near the end of the weights: the header still parses, the checksum must not.
printf '\x5a' | dd of="$out/altered.safetensors" bs=1 seek=$((size - 9)) conv=notrunc status=none
printf 'this is not a checkpoint\n' > "$out/text.safetensors"

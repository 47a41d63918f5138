#!/usr/bin/env bash
# Builds dnafill (no UI) on a GPU machine against PyTorch's bundled LibTorch (CUDA). That machine has
# PyTorch, nvcc, CMake and ninja but no package registry, so htslib, SQLite, CLI11, nlohmann-json and
# Catch2 come as Debian .debs (fetched beforehand by scripts/device_debs.sh into .device/debs) unpacked
# with dpkg -x into a private prefix, never into /.
#   scripts/device_build.sh [BUILD_DIR]        (default: build-device; DNAFILL_TESTS=ON builds the tests;
#                                               TARGETS="a b" builds only those)
# Afterwards `source BUILD_DIR/device-env.sh` sets LD_LIBRARY_PATH for the programs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-device}
prefix=/tmp/dnafill-deps
debs=$root/.device/debs
ls "$debs"/*.deb > /dev/null || { echo "device_build: no .debs in $debs (run scripts/device_debs.sh first)" >&2; exit 1; }

mkdir -p "$prefix"
for f in "$debs"/*.deb; do dpkg -x "$f" "$prefix"; done
lib=$prefix/usr/lib/x86_64-linux-gnu
# At run time take from the prefix only what this machine lacks; its own libraries stay in charge.
runtime=$prefix/runtime
mkdir -p "$runtime"
for so in "$lib"/*.so.*; do
  name=$(basename "$so")
  ldconfig -p | grep -q "^[[:space:]]$name " || ln -sf "$so" "$runtime/$name"
done

torch_cmake=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
cuda=/usr/local/cuda
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_cmake;$prefix/usr" \
  -DCMAKE_CUDA_COMPILER="$cuda/bin/nvcc" -DCUDAToolkit_ROOT="$cuda" \
  -DDNAFILL_BUILD_UI=OFF -DDNAFILL_BUILD_TESTS="${DNAFILL_TESTS:-OFF}"
cmake --build "$build" -j"$(nproc)" ${TARGETS:+--target $TARGETS}
cat > "$build/device-env.sh" <<ENV
export LD_LIBRARY_PATH=$runtime:$torch_lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
ENV
echo "device_build: built in $build; source $build/device-env.sh before running its programs"

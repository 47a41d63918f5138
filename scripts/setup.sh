#!/usr/bin/env bash
# Sets dnafill up on Debian 12: installs every system package the build and the tests need
# (apt-get, with sudo when not root), then configures and builds into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread   # LibTorch 1.13 (CPU); without OpenBLAS it runs ~38x slower
  libhts-dev zlib1g-dev               # htslib: every sequence file
  libsqlite3-dev                      # the store
  libcli11-dev nlohmann-json3-dev     # command line, JSON
  catch2                              # tests
  qt6-base-dev qt6-base-dev-tools     # dnafill-studio: Qt 6 Widgets, Concurrent, Test (moc, rcc)
  libqt6svg6 fonts-dejavu-core        # its SVG icon, and a font for offscreen and Xvfb rendering
  xvfb xauth                          # scripts/screenshot.sh: the studio on a virtual display
  dpkg-dev file                       # CPack DEB: dpkg-shlibdeps finds the package's dependencies
  desktop-file-utils appstream        # the package test validates the .desktop file and the metainfo
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ${DNAFILL_CMAKE_ARGS:-}
cmake --build build -j "${DNAFILL_JOBS:-2}"

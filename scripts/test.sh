#!/usr/bin/env bash
# Sets up, builds, and runs every test (Catch2 unit tests and command-line tests, through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "${DNAFILL_JOBS:-2}"

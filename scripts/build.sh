#!/usr/bin/env bash
# Builds everything that this machine can build (native core, CLI, tests),
# installing what is missing first. Idempotent; incremental after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

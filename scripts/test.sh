#!/usr/bin/env bash
# The whole test suite (`npm test`): installs and builds what is missing, then
# runs the native tests (ctest: core unit tests, fidelity tests, CLI tests).
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
npm install --no-audit --no-fund --loglevel=error >/dev/null
cd build
ctest --output-on-failure -j2 --timeout 600

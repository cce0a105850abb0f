#!/usr/bin/env bash
# The whole test suite (`npm test`): installs and builds what is missing, then
# runs the native tests (ctest: core units, fidelity, CLI, bad inputs), a
# short fuzzing smoke, the tests of the built WebAssembly module and npm
# package in Node, and the page and extension in Chromium.
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --browser
(cd build && ctest --output-on-failure -j2 --timeout 900)
# libFuzzer smoke: every parser/entry point for a few seconds under ASan+UBSan,
# after replaying the saved crashing inputs (fuzz/regressions).
bash scripts/fuzz.sh 8
node --test --test-concurrency=1 tests/node/ tests/browser/

#!/usr/bin/env bash
# `npm run bench`: per-stage medians, native vs WebAssembly (Node), same images.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >&2
node scripts/bench.mjs "$@"

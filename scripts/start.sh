#!/usr/bin/env bash
# The main job (`npm start`): builds what is missing, then checks the bundled
# example photos with the native CLI and prints a short verdict per face.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >&2
npm install --no-audit --no-fund --loglevel=error >/dev/null
node scripts/summarise.mjs

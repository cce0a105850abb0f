#!/usr/bin/env bash
# The main job (`npm start`): builds what is missing, then serves the checker
# page with the default models on http://localhost:8080/ (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >&2
exec node scripts/serve.mjs --port "${PORT:-8080}"

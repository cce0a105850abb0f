#!/usr/bin/env bash
# `npm run cli -- <args>`: the native posecheck command line (built if needed).
# Relative paths are taken from where npm was invoked.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$root/build/tools/posecheck" ]; then bash "$root/scripts/build.sh" >&2; fi
cd "${INIT_CWD:-$PWD}"
exec "$root/build/tools/posecheck" "$@"

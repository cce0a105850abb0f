#!/usr/bin/env bash
# Builds everything (native core, CLI and tests; the WebAssembly module; the
# web package's dist/ folder), installing what is missing first. Idempotent,
# incremental after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
jobs="$(nproc)"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"

# Debian's emcc needs Node to find acorn in Debian's node modules.
export NODE_PATH=/usr/share/nodejs
if [ ! -f build-wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build-wasm -j"$jobs"

# web/dist: the module and the default models, as the npm package ships them.
# The 99.7 MB landmark model is copied from Debian's libdlib-data, never committed.
mkdir -p web/dist/models
cp -u build-wasm/wasm/posecheck.mjs build-wasm/wasm/posecheck.wasm web/dist/
cp -u /usr/share/dlib/shape_predictor_68_face_landmarks.dat web/dist/models/
for f in face3d.txt classifier.txt; do
  [ -f "models/$f" ] && cp -u "models/$f" web/dist/models/
done
true

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
# Its compact form (PCLM, ~9.3 MB; core/compact_landmark_model.h), derived
# deterministically by the native CLI and checked against the pinned SHA-256.
pclm=web/dist/models/landmarks68.pclm
if [ ! -f "$pclm" ] || [ "$pclm" -ot /usr/share/dlib/shape_predictor_68_face_landmarks.dat ] || [ "$pclm" -ot build/tools/posecheck ]; then
  build/tools/posecheck compact-model --in /usr/share/dlib/shape_predictor_68_face_landmarks.dat --out "$pclm" >/dev/null
  if [ "$(sha256sum "$pclm" | cut -d' ' -f1)" != "$(cat models/landmarks68.pclm.sha256)" ]; then
    echo "build.sh: $pclm does not match models/landmarks68.pclm.sha256 (converter changed? re-pin deliberately)" >&2
    exit 1
  fi
fi
# The text models go into the page only as pinned in models/SHA256SUMS.
if ! (cd models && sha256sum --check --quiet --ignore-missing SHA256SUMS); then
  echo "build.sh: a file in models/ does not match models/SHA256SUMS (retrained? re-pin deliberately)" >&2
  exit 1
fi
for f in face3d.txt classifier.txt track_classifier.txt blend_classifier.txt combination.txt; do
  [ -f "models/$f" ] && cp -u "models/$f" web/dist/models/
done
# The page's MP4 demuxer (mp4box.js, an npm dev dependency; README "Build
# choices"): its ES module build, three files, served from web/vendor/mp4box/.
mkdir -p web/vendor/mp4box
mp4box_files=$(cd node_modules/mp4box/dist && ls mp4box.all.mjs styp-*.mjs rolldown-runtime-*.mjs)
for f in $mp4box_files; do cp -u "node_modules/mp4box/dist/$f" web/vendor/mp4box/; done
# The service worker's cache name (web/sw.js): a hash of the app, its vendored
# libraries and the default models; and the vendored files it caches.
build_id="$(cat web/*.html web/*.js web/*.css web/dist/posecheck.mjs web/dist/posecheck.wasm web/dist/models/*.txt \
  web/dist/models/landmarks68.pclm node_modules/uplot/dist/uPlot.iife.min.js \
  $(for f in $mp4box_files; do echo "node_modules/mp4box/dist/$f"; done) | sha256sum | cut -c1-16)"
{
  printf "self.POSECHECK_BUILD = '%s';\n" "$build_id"
  printf "self.POSECHECK_VENDOR_FILES = [%s];\n" "$(for f in $mp4box_files; do printf "'./vendor/mp4box/%s', " "$f"; done)"
} > web/dist/build-id.js.tmp
cmp -s web/dist/build-id.js.tmp web/dist/build-id.js 2>/dev/null && rm web/dist/build-id.js.tmp || mv web/dist/build-id.js.tmp web/dist/build-id.js
# The page's charting library (uPlot, an npm dev dependency; README "Build choices"), served from web/vendor/.
mkdir -p web/vendor
cp -u node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css web/vendor/
true

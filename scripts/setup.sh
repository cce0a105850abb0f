#!/usr/bin/env bash
# Installs what posecheck needs on a Debian/Ubuntu machine, idempotently:
# Debian packages that are missing, and the dlib + libsvm sources (unpacked
# into third_party/src, which git ignores). Safe to run on every start/test.
#
#   scripts/setup.sh            native toolchain, Emscripten, sources, npm deps
#   scripts/setup.sh --browser  also Chromium (browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  cmake g++ make pkg-config dpkg-dev
  libeigen3-dev            # pose solver
  libdlib-data             # shape_predictor_68_face_landmarks.dat
  libjpeg-dev libpng-dev libwebp-dev                      # CLI image decoding
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev  # CLI video decoding
  libgtest-dev             # native tests
  libsvm-tools             # test oracle: svm-predict
  libopencv-calib3d-dev    # test oracle: solvePnP
  ffmpeg                   # makes the video test fixtures
  emscripten nodejs        # the WebAssembly module
  zip                      # packs the browser extension
)
if [ "$want_browser" -eq 1 ]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

src_list=/etc/apt/sources.list.d/posecheck-src.sources
need_sources=0
ls -d third_party/src/dlib-*/dlib >/dev/null 2>&1 || need_sources=1
ls third_party/src/libsvm-*/svm.cpp >/dev/null 2>&1 || need_sources=1

updated=0
apt_update() {
  if [ "$updated" -eq 0 ]; then
    sudo_if_needed apt-get update -qq
    updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_update
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$need_sources" -eq 1 ]; then
  if [ ! -f "$src_list" ]; then
    echo "setup: adding deb-src entries derived from this machine's apt sources"
    python3 scripts/apt-sources-with-src.py > /tmp/posecheck-src.sources
    sudo_if_needed cp /tmp/posecheck-src.sources "$src_list"
    updated=0
  fi
  apt_update
  mkdir -p third_party/src
  for pkg in dlib libsvm; do
    ls -d third_party/src/"$pkg"-*/ >/dev/null 2>&1 && continue
    # apt-get source downloads and unpacks with Debian's patches. Some
    # archives lack a package's .debian.tar (libsvm has been seen 404):
    # then unpack the upstream tarball it did download, which holds the code.
    (cd third_party/src && apt-get source -qq "$pkg" >/dev/null 2>&1) || true
    if ! ls -d third_party/src/"$pkg"-*/ >/dev/null 2>&1; then
      orig=$(ls third_party/src/"$pkg"_*.orig.tar.* 2>/dev/null | grep -v -- '-models' | head -n 1)
      [ -n "$orig" ] || { echo "setup: could not fetch the $pkg sources" >&2; exit 1; }
      tar -C third_party/src -xf "$orig"
    fi
  done
  rm -rf third_party/src/dlib-*/dlib-models   # 248 MB of models we do not use
  echo "setup: sources in third_party/src: $(cd third_party/src && ls -d */ | tr '\n' ' ')"
fi

# npm dev dependencies (test photos; later Playwright), when the lock changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi

#!/usr/bin/env bash
# libFuzzer run of every target in fuzz/ (`npm run fuzz`; see fuzz/README.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    default 60 s, all targets
#   scripts/fuzz.sh --replay                          only replay fuzz/regressions
#
# Builds build-fuzz/ with clang-14 (ASan + UBSan + libFuzzer; installs clang-14
# and libclang-rt-14-dev when missing), makes seed corpora, replays the saved
# crashing inputs in fuzz/regressions/<target>/, then fuzzes each target.
# New crashes land in build-fuzz/crashes/<target>/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
replay_only=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --replay) replay_only=1 ;;
    ''|*[!0-9]*) targets+=("$arg") ;;
    *) seconds="$arg" ;;
  esac
done
all=(fuzz_landmark_model fuzz_compact_model fuzz_classifier fuzz_face_model fuzz_check_rgba fuzz_landmark_csv)
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/setup.sh >/dev/null

if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DPOSECHECK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build-fuzz -j"$(nproc)" >/dev/null

# The checker fuzzers load the compact landmark model (fast under ASan).
pclm=web/dist/models/landmarks68.pclm
if [ ! -f "$pclm" ]; then
  pclm=build-fuzz/landmarks68.pclm
  [ -f "$pclm" ] || build/tools/posecheck compact-model --in /usr/share/dlib/shape_predictor_68_face_landmarks.dat --out "$pclm" >/dev/null
fi
export POSECHECK_FUZZ_LANDMARKS="$PWD/$pclm"

# Seeds (regenerated each run; small so mutations stay fast).
seeds=build-fuzz/seeds
rm -rf "$seeds"
for t in "${all[@]}"; do mkdir -p "$seeds/$t" "build-fuzz/corpus/$t" "build-fuzz/crashes/$t"; done
build-fuzz/fuzz/make_seeds "$seeds/fuzz_landmark_model"
mv "$seeds"/fuzz_landmark_model/*.pclm "$seeds/fuzz_compact_model/"
cp "$seeds"/fuzz_compact_model/tiny-q4.pclm "$seeds/fuzz_landmark_model/"
cp models/face3d.txt "$seeds/fuzz_face_model/"
python3 - "$seeds" <<'PY'
import sys, os, struct, subprocess, json
seeds = sys.argv[1]
# Classifier: the shipped one cut to 4 support vectors (keeps every header field).
if os.path.exists('models/classifier.txt'):
    lines = open('models/classifier.txt').read().split('\n')
    sv = lines.index('SV')
    body = [l for l in lines[sv + 1:] if l.strip()]
    keep = body[:2] + body[-2:]
    head = [('total_sv 4' if l.startswith('total_sv') else 'nr_sv 2 2' if l.startswith('nr_sv') else l) for l in lines[:sv + 1]]
    open(f'{seeds}/fuzz_classifier/small.txt', 'w').write('\n'.join(head + keep) + '\n')
# The cue combination shares that target (its parser reads the same kind of text).
if os.path.exists('models/combination.txt'):
    open(f'{seeds}/fuzz_classifier/combination.txt', 'w').write(open('models/combination.txt').read())
# Column-major 204-number face (parse_column_major_204).
open(f'{seeds}/fuzz_face_model/col204.txt', 'w').write(' '.join(str(i % 17 - 8 + (i // 68) * 3.5) for i in range(204)) + '\n')
# Landmark CSV from the CLI's landmarks on the demo photo; a feature CSV header.
hdr = ['group', 'label', 'frame', 'width', 'height'] + [f'{a}{i}' for i in range(1, 69) for a in 'xy']
doc = json.loads(subprocess.check_output(['build/tools/posecheck', 'check', 'node_modules/@vladmandic/face-api/demo/sample2.jpg']).decode().splitlines()[0])
pts = [f'{v:g}' for p in doc['faces'][0]['landmarks'] for v in p]
open(f'{seeds}/fuzz_landmark_csv/face.csv', 'w').write(','.join(hdr) + '\n' + ','.join(['g', 'real', '0', str(doc['width']), str(doc['height'])] + pts) + '\n')
# RGBA: the demo face scaled to 200 px wide (the detector finds it), and a tiny grey one.
w, h = 200, 142
raw = subprocess.check_output(['ffmpeg', '-loglevel', 'error', '-i', 'node_modules/@vladmandic/face-api/demo/sample2.jpg',
                               '-vf', f'scale={w}:{h}', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'])
open(f'{seeds}/fuzz_check_rgba/face.bin', 'wb').write(struct.pack('<HHB', w - 1, h - 1, 0) + raw)
open(f'{seeds}/fuzz_check_rgba/grey.bin', 'wb').write(struct.pack('<HHB', 15, 15, 0) + bytes([128]) * 1100)
PY

status=0
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz/$t
  # Replay: every saved crashing input must now pass.
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    if ! "$bin" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 fuzz/regressions/$t/* >"build-fuzz/$t.replay.log" 2>&1; then
      echo "fuzz: $t: a regression input fails again (build-fuzz/$t.replay.log)"; status=1; continue
    fi
    echo "fuzz: $t: $(ls fuzz/regressions/$t | wc -l) regression inputs pass"
  fi
  [ "$replay_only" -eq 1 ] && continue
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=300000 \
       -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t/" "build-fuzz/corpus/$t" "$seeds/$t" \
       >"build-fuzz/$t.log" 2>&1; then
    echo "fuzz: $t: $(grep -E '^stat::number_of_executed_units' "build-fuzz/$t.log" | awk '{print $2}') runs in ${seconds} s, $(grep -c '' <(ls "build-fuzz/corpus/$t")) corpus inputs, no crash"
  else
    echo "fuzz: $t: CRASH, input in build-fuzz/crashes/$t/ (log build-fuzz/$t.log):"
    grep -E 'ERROR|SUMMARY|runtime error' "build-fuzz/$t.log" | head -3
    status=1
  fi
done
exit $status

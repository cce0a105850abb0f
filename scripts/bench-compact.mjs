// Load time of the landmark models in WebAssembly (Node): createEngine with
// dlib's .dat and with the compact .pclm, median of N runs.
// usage: node scripts/bench-compact.mjs [BUILD_WASM_DIR] [FILE.pclm...]
// (defaults: web/dist's module, web/dist/models/landmarks68.pclm)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../web/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [wasmDir = join(root, 'web/dist'), ...models] = process.argv.slice(2);
const mjs = [join(wasmDir, 'posecheck.mjs'), join(wasmDir, 'wasm/posecheck.mjs')];
const pick = (a) => a.find((p) => { try { readFileSync(p); return true; } catch { return false; } });
const moduleUrl = pathToFileURL(pick(mjs)).href;
const wasmBinary = new Uint8Array(readFileSync(pick(mjs.map((p) => p.replace(/\.mjs$/, '.wasm')))));
const faceModel = readFileSync(join(root, 'models/face3d.txt'), 'utf8');
const files = ['/usr/share/dlib/shape_predictor_68_face_landmarks.dat', ...(models.length ? models : [join(root, 'web/dist/models/landmarks68.pclm')])];
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const engine = await createEngine({ moduleUrl, wasmBinary, landmarkModel: bytes, landmarkSha256: '', faceModel });
    times.push((performance.now() - t0) / 1000);
    engine.dispose?.();
  }
  times.sort((a, b) => a - b);
  console.log(`${file}: ${bytes.length} bytes, createEngine median ${times[1].toFixed(3)} s (runs ${times.map((t) => t.toFixed(3)).join(', ')})`);
}

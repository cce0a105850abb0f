// Load time of the landmark models in WebAssembly (Node): createEngine with
// dlib's .dat and with the compact .pclm, median of 5 runs, split into
// the landmark model's load (SHA-256 and parse, timed inside the module), the
// other models and dlib's face detector, and compiling the module (and the
// module's memory afterwards: it grows, never shrinks); with the
// pin given (as the page and extension load their default
// model) and without (a custom model: the PCLM payload hash is checked too).
// usage: node scripts/bench-compact.mjs [BUILD_WASM_DIR] [FILE.pclm...]
// (defaults: web/dist's module, web/dist/models/landmarks68.pclm)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../web/engine.js';
import { median } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [wasmDir = join(root, 'web/dist'), ...models] = process.argv.slice(2);
const mjs = [join(wasmDir, 'posecheck.mjs'), join(wasmDir, 'wasm/posecheck.mjs')];
const pick = (a) => a.find((p) => { try { readFileSync(p); return true; } catch { return false; } });
const moduleUrl = pathToFileURL(pick(mjs)).href;
const wasmBinary = new Uint8Array(readFileSync(pick(mjs.map((p) => p.replace(/\.mjs$/, '.wasm')))));
const faceModel = readFileSync(join(root, 'models/face3d.txt'), 'utf8');
const files = ['/usr/share/dlib/shape_predictor_68_face_landmarks.dat', ...(models.length ? models : [join(root, 'web/dist/models/landmarks68.pclm')])];
console.log('| landmark model | bytes | pinned | landmark model load ms (SHA-256 + parse) | other models + face detector ms | module compile ms | createEngine ms | WebAssembly memory after load, MB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const sha = createHash('sha256').update(bytes).digest('hex');
  for (const pinned of [true, false]) {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const engine = await createEngine({ moduleUrl, wasmBinary, landmarkModel: bytes, landmarkSha256: pinned ? sha : '', faceModel });
      runs.push({ total: performance.now() - t0, ...engine.loadTimes, heapMB: engine.heapBytes() / 2 ** 20 });
      engine.close();
    }
    const m = (k) => median(runs.map((r) => r[k])).toFixed(0);
    console.log(`| ${file.split('/').pop()} | ${bytes.length} | ${pinned ? 'yes' : 'no'} | ${m('landmarkModelMs')} | ${m('othersMs')} | ` +
      `${m('moduleMs')} | ${m('total')} | ${m('heapMB')} |`);
  }
}

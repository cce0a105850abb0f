// Measures WebAssembly build variants against each other in one run:
// dlib's SIMD path (SSE4.1 vs SSE2 emulation vs none) and the exception model
// (-fwasm-exceptions vs -fexceptions). Build the variants first, e.g.
//   emcmake cmake -S . -B build-wasm-sse2-wasm -DPOSECHECK_WASM_SIMD=sse2 ...
// Usage: node scripts/bench-wasm-variants.mjs DIR... (each with wasm/posecheck.{mjs,wasm})
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../web/engine.js';
import { decodeNative, demoDir, faceModelText, landmarkModel } from '../tests/node/helpers.mjs';
import { median } from './stats.mjs';

const dirs = process.argv.slice(2).map((d) => resolve(d));
const repeat = 9;
const scratch = mkdtempSync(join(tmpdir(), 'posecheck-variants-'));
const images = readdirSync(demoDir).filter((f) => /^sample[1-4]\.jpg$/.test(f)).map((f) => {
  const out = join(scratch, f.replace('.jpg', '.png'));
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, f), '-vf', 'scale=640:480', out]);
  return decodeNative(out);
});

const variants = [];
for (const dir of dirs) {
  const wasmPath = join(dir, 'wasm/posecheck.wasm');
  const t0 = performance.now();
  // A fresh module import per variant: query string makes the URL unique.
  const engine = await createEngine({ moduleUrl: `${pathToFileURL(join(dir, 'wasm/posecheck.mjs')).href}?v=${variants.length}`,
    wasmBinary: new Uint8Array(readFileSync(wasmPath)), landmarkModel: landmarkModel(), landmarkSha256: '', faceModel: faceModelText() });
  variants.push({ name: dir.split('/').pop(), engine, loadMs: performance.now() - t0, size: statSync(wasmPath).size, detect: [], landmarks: [], call: [] });
}
for (let r = 0; r < repeat; r++) {
  for (const img of images) {
    for (const v of variants) { // interleaved, so load on the machine hits all alike
      const s = performance.now();
      const p = v.engine.profile(img.rgba, img.width, img.height);
      v.call.push(performance.now() - s);
      v.detect.push(p.detect_ms);
      v.landmarks.push(p.landmarks_ms);
    }
  }
}
console.log('variant                      wasm bytes   model load ms   detect ms   landmarks ms   call ms   (medians over', repeat * images.length, 'calls, 640x480)');
for (const v of variants) {
  console.log(`${v.name.padEnd(28)} ${String(v.size).padStart(10)} ${v.loadMs.toFixed(0).padStart(15)} ${median(v.detect).toFixed(2).padStart(11)} ` +
    `${median(v.landmarks).toFixed(2).padStart(14)} ${median(v.call).toFixed(2).padStart(9)}`);
}

// Native vs WebAssembly per-stage timings on the same pixels, one call per
// repeat (as the page calls the module: an engine does not re-optimise code
// that is already running, so timing inside one long call misleads).
// Images: the face-api demo photos, and each scaled to 640x480 with ffmpeg.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cli, decodeNative, demoDir, engine } from '../tests/node/helpers.mjs';
import { median } from './stats.mjs';

const repeat = Number(process.argv[2] ?? 15);
const stages = ['detect', 'landmarks', 'pose', 'features', 'svm'];

const scratch = mkdtempSync(join(tmpdir(), 'posecheck-bench-'));
const photos = readdirSync(demoDir).filter((f) => /^sample\d\.jpg$/.test(f)).sort().slice(0, 3);
const images = [];
for (const f of photos) {
  images.push(join(demoDir, f));
  const small = join(scratch, f.replace('.jpg', '-640x480.png'));
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, f), '-vf', 'scale=640:480', small]);
  images.push(small);
}

let t0 = performance.now();
const e = await engine();
const loadMs = performance.now() - t0;
t0 = performance.now();
const native = images.map((path) => JSON.parse(execFileSync(cli, ['bench', '--json', '--repeat', String(repeat), path], { encoding: 'utf8' })));

const rows = [];
for (const [i, path] of images.entries()) {
  const px = decodeNative(path);
  for (let w = 0; w < 3; w++) e.profile(px.rgba, px.width, px.height); // warm-up calls
  const times = Object.fromEntries(stages.map((s) => [s, []]));
  const totals = [];
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    const p = e.profile(px.rgba, px.width, px.height);
    totals.push(performance.now() - start);
    for (const s of stages) times[s].push(p[`${s}_ms`]);
  }
  const n = native[i];
  rows.push({ name: path.split('/').pop(), size: `${px.width}x${px.height}`, faces: n.faces,
    native: Object.fromEntries(stages.map((s) => [s, n[`${s}_ms`]]).concat([['call', stages.reduce((a, s) => a + n[`${s}_ms`], 0)]])),
    wasm: Object.fromEntries(stages.map((s) => [s, median(times[s])]).concat([['call', median(totals)]])) });
}

const f = (x) => x.toFixed(x < 1 ? 3 : 1).padStart(8);
console.log(`posecheck bench: ${repeat} calls per image; WebAssembly module + model load ${loadMs.toFixed(0)} ms (native model load is in 'posecheck bench')`);
console.log(`${'image'.padEnd(22)} ${'size'.padEnd(9)} faces  ${stages.concat(['call']).map((s) => `${s} n/w/ratio`.padStart(28)).join('')}`);
for (const r of rows) {
  const cells = stages.concat(['call']).map((s) => `${f(r.native[s])}${f(r.wasm[s])}${(r.native[s] > 0.005 ? (r.wasm[s] / r.native[s]).toFixed(2) : '-').padStart(8)}   `);
  console.log(`${r.name.padEnd(22)} ${r.size.padEnd(9)} ${String(r.faces).padStart(5)}  ${cells.join('')}`);
}
const ratio = (s) => {
  const v = rows.filter((r) => r.native[s] > 0.005).map((r) => r.wasm[s] / r.native[s]);
  return v.length ? median(v).toFixed(2) : '- (too short to time)';
};
console.log(`median WebAssembly/native ratio: ${stages.concat(['call']).map((s) => `${s} ${ratio(s)}`).join(', ')}`);
// The features stage is the pose features (microseconds) plus, with the
// default models, the blend cue's measures (blend_evidence.h): per face, it
// is the blend cue's cost.
const perFace = (side) => median(rows.filter((r) => r.faces > 0).map((r) => r[side].features / r.faces));
console.log(`blend cue (features stage) per face, median over images: native ${perFace('native').toFixed(2)} ms, WebAssembly ${perFace('wasm').toFixed(2)} ms (goal <= 5 ms)`);
const vga = rows.filter((r) => r.size === '640x480');
console.log(`640x480 end to end in WebAssembly (median over ${vga.length} photos): ${median(vga.map((r) => r.wasm.call)).toFixed(1)} ms (goal <= 60 ms, issue 16)`);
e.close();

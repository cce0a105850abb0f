// How stable is one face's P(fake)? Checks every DF-TIMIT val frame three
// ways with the native CLI and compares each with the reference (dlib's float
// landmark model on the JPEG as libjpeg decodes it):
//   - the compact landmark model (landmarks68.pclm) on the same pixels;
//   - the float model on the same JPEG decoded by ffmpeg instead (pixel values
//     differ by a level or two, as between JPEG decoders, e.g. a browser's);
//   - the float model on that decoded image shifted left by 1 px.
// and the shifted image against the decoded one alone. Prints per face:
// |ΔP(fake)| median / 90th percentile / max and how many faces change
// evidence band; per video: |Δ mean P(fake)|.
// usage: node scripts/score-stability.mjs [DFTIMIT_DIR]   (needs build/ and web/dist/)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../tests/node/helpers.mjs';

const data = process.argv[2] ?? join(root, '../shared/data/dftimit');
const cli = join(root, 'build/tools/posecheck');
const frames = readFileSync(join(data, 'manifest.csv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',')).filter((f) => f[2] === 'val').map((f) => f[0]);
const scratch = mkdtempSync(join(tmpdir(), 'posecheck-stability-'));
const ffmpeg = (input, output, filter) => execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', input,
  ...(filter ? ['-vf', filter] : []), output]);
const decoded = frames.map((f, i) => { const o = join(scratch, `d${i}.png`); ffmpeg(join(data, f), o); return o; });
const shifted = frames.map((f, i) => { const o = join(scratch, `s${i}.png`); ffmpeg(join(data, f), o, 'crop=iw-1:ih:1:0'); return o; });

// First face of each file: {pFake, band} by frame index.
function check(files, extra = []) {
  const out = execFileSync(cli, ['check', ...extra, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.trim().split('\n').map((l) => JSON.parse(l)).map((r) => r.faces?.[0]?.p_fake != null
    ? { pFake: r.faces[0].p_fake, band: r.faces[0].band } : null);
}
const reference = check(frames.map((f) => join(data, f)));
const ffmpegDecoded = check(decoded);
// [name, results, what they are compared with]
const variants = [
  ['compact landmark model (q4), same JPEG', check(frames.map((f) => join(data, f)), ['--landmark-model', join(root, 'web/dist/models/landmarks68.pclm')]), reference],
  ['float model, JPEG decoded by ffmpeg', ffmpegDecoded, reference],
  ['float model, ffmpeg-decoded, shifted 1 px', check(shifted), reference],
];
variants.push(['float model, shifted 1 px vs not shifted (both ffmpeg-decoded)', variants[2][1], ffmpegDecoded]);
const q = (v, p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
console.log(`DF-TIMIT val, ${frames.length} frames; reference: float model, JPEG decoded by libjpeg (as the CLI)\n`);
console.log('| variant | faces | |ΔP(fake)| median | p90 | max | band changed | videos: |Δ mean P(fake)| median | p90 | max |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [name, got, base] of variants) {
  const pairs = base.map((r, i) => [r, got[i], frames[i]]).filter(([r, g]) => r && g);
  const d = pairs.map(([r, g]) => Math.abs(r.pFake - g.pFake)).sort((a, b) => a - b);
  const changed = pairs.filter(([r, g]) => r.band !== g.band).length;
  const videos = new Map();
  for (const [r, g, f] of pairs) {
    const v = f.slice(0, f.lastIndexOf('/'));
    const s = videos.get(v) ?? { r: 0, g: 0, n: 0 };
    s.r += r.pFake; s.g += g.pFake; s.n++;
    videos.set(v, s);
  }
  const dv = [...videos.values()].map((s) => Math.abs(s.r - s.g) / s.n).sort((a, b) => a - b);
  console.log(`| ${name} | ${pairs.length} | ${q(d, 0.5).toFixed(3)} | ${q(d, 0.9).toFixed(3)} | ${d.at(-1).toFixed(3)} | ` +
    `${changed} (${((100 * changed) / pairs.length).toFixed(1)}%) | ${q(dv, 0.5).toFixed(3)} | ${q(dv, 0.9).toFixed(3)} | ${dv.at(-1).toFixed(3)} |`);
}

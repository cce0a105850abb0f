// How stable is one face's P(fake)? The benchmark of issue 12's goals: the
// same face, framed, scaled or decoded differently, should get the same
// answer. Runs the native CLI on real photos and frames (DF-TIMIT val frames,
// HELEN test photos, dlib's example photos) and compares every face's P(fake)
// and evidence band under each change with the unchanged image:
//   framing: pad one side by 50% (black), pad all round by 25%, letterbox to
//     16:9, crop to the face with one face width of margin, rescale 0.75x and
//     1.5x (all made with ffmpeg from the ffmpeg-decoded image, PNG, so the
//     decoder does not mix in);
//   decoder: the JPEG decoded by ffmpeg instead of libjpeg (pixel values a
//     level or two apart, as between a browser and the CLI);
//   landmark model: the compact q4 model instead of dlib's float model;
//   whole frame (issue 13): Gaussian blur (sigma 1 and 2 px), 0.5x rescale,
//     JPEG re-compression (ffmpeg -q:v 3, 10, 25), and a self-blend: the
//     inside of the face (the contour of landmarks 1-17 and 18-27 shrunk to
//     90%) replaced by its own blurred copy (sigma 2), as a pasted
//     low-resolution face. A cue that reads pasted faces, not the frame's
//     quality, keeps P(fake) under the first and raises it under the last
//     (the signed median is printed too).
// for each setup (a model directory: its classifier says which camera it
// was trained with). Faces are matched by their box centre mapped back to
// the original image. Prints, per setup and change: faces matched, median and
// 90th percentile |ΔP(fake)|, and the share of faces whose band changed.
// Goals (issue 12): framing median |ΔP| <= 0.03 and band changes <= 5%;
// decoder median |ΔP| <= 0.015, band changes <= 5%. Issue 13: whole-frame
// changes of a real face median |ΔP| <= 0.05; the self-blend raises P(fake).
//
// usage: node scripts/score-stability.mjs [--every N] [--setup NAME=MODEL_DIR]...
//   default setups: shipped (models/: both cues combined; face camera,
//   refined landmark box), blend cue (models/ without the combination: the
//   blend cue decides), pose cue (models/ without the blend classifier:
//   the pose cue decides) and paper (models/paper with --landmark-box
//   detector: the paper's pipeline, the product before issue 12).
//   MODEL_DIR: relative to the repository, or absolute. POSECHECK_CLI: the
//   posecheck binary to run (default build/tools/posecheck; a copy keeps a
//   long run safe from rebuilds). Needs build/ (npm run
//   build) and ../shared/data. The accuracy of each setup is not measured
//   here (these images trained the shipped model): see `posecheck eval --nested`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { root } from '../tests/node/helpers.mjs';

const args = process.argv.slice(2);
let every = 1;
const setups = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--every') every = Math.max(1, Number(args[++i]));
  else if (args[i] === '--setup') { const [n, d] = args[++i].split('='); setups.push([n, isAbsolute(d) ? d : join(root, d), []]); }
  else throw new Error(`score-stability: unknown argument ${args[i]}`);
}
const poseOnly = mkdtempSync(join(tmpdir(), 'posecheck-pose-cue-'));
for (const f of ['face3d.txt', 'classifier.txt', 'track_classifier.txt']) copyFileSync(join(root, 'models', f), join(poseOnly, f));
const blendOnly = mkdtempSync(join(tmpdir(), 'posecheck-blend-cue-'));
for (const f of ['face3d.txt', 'classifier.txt', 'track_classifier.txt', 'blend_classifier.txt']) copyFileSync(join(root, 'models', f), join(blendOnly, f));
if (setups.length === 0) {
  setups.push(['shipped', join(root, 'models'), []], ['blend cue', blendOnly, []], ['pose cue', poseOnly, []],
    ['paper', join(root, 'models/paper'), ['--landmark-box', 'detector']]);
}

const shared = process.env.POSECHECK_SHARED ?? join(root, '../shared');
const data = join(shared, 'data');
const cli = process.env.POSECHECK_CLI ?? join(root, 'build/tools/posecheck');
const pclm = join(root, 'web/dist/models/landmarks68.pclm');
for (const p of [cli, data]) if (!existsSync(p)) throw new Error(`score-stability: ${p} is missing (npm run build; ../shared)`);

const csvRows = (p) => readFileSync(p, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const images = [
  ...csvRows(join(data, 'dftimit/manifest.csv')).filter((f) => f[2] === 'val').map((f) => join(data, 'dftimit', f[0])),
  ...csvRows(join(data, 'faces300w/helen_test/manifest.csv')).map((f) => join(data, 'faces300w/helen_test', f[0])),
  ...['2007_007763', '2008_001009', '2008_001322', '2008_002079', '2008_002470', '2008_002506', '2008_004176',
    '2008_007676', '2009_004587'].map((n) => join(data, 'dlib_faces', `${n}.jpg`)),
].filter((_, i) => i % every === 0);

const scratch = mkdtempSync(join(tmpdir(), 'posecheck-stability-'));
// Filters run on RGB (PNG out): with the JPEG's 4:2:0 chroma, pad and crop round odd sizes.
const ffmpeg = (input, outputs) => execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', input,
  ...outputs.flatMap(([filter, out]) => [...(filter ? ['-vf', `format=rgb24,${filter}`] : []), out])]);

// Framing changes: ffmpeg filter and the map from original to new pixels (x' = s x + ox).
const framings = [
  ['pad one side 50%', 'pad=ceil(iw*1.5):ih:0:0:black', () => ({ s: 1, ox: 0, oy: 0 })],
  ['pad all round 25%', 'pad=ceil(iw*1.5):ceil(ih*1.5):floor(iw/4):floor(ih/4):black',
    (w, h) => ({ s: 1, ox: Math.floor(w / 4), oy: Math.floor(h / 4) })],
  ['letterbox to 16:9', null, null],  // filter depends on the aspect ratio: below
  ['rescale 0.75x', 'scale=round(iw*0.75):round(ih*0.75):flags=bicubic', () => ({ s: 0.75, ox: 0, oy: 0 })],
  ['rescale 1.5x', 'scale=round(iw*1.5):round(ih*1.5):flags=bicubic', () => ({ s: 1.5, ox: 0, oy: 0 })],
];
// Whole-frame changes (issue 13): [name, ffmpeg output options].
const wholeFrame = [
  ['blur sigma 1', ['-vf', 'format=rgb24,gblur=sigma=1'], 'png', 1],
  ['blur sigma 2', ['-vf', 'format=rgb24,gblur=sigma=2'], 'png', 1],
  ['rescale 0.5x', ['-vf', 'format=rgb24,scale=round(iw*0.5):round(ih*0.5):flags=area'], 'png', 0.5],
  ['JPEG -q:v 3', ['-q:v', '3'], 'jpg', 1],
  ['JPEG -q:v 10', ['-q:v', '10'], 'jpg', 1],
  ['JPEG -q:v 25', ['-q:v', '25'], 'jpg', 1],
];
// A binary mask (PGM) of the face's inside: landmarks 1-17 then 27..18, shrunk to 90% about their centroid.
function faceMask(landmarks, w, h, path) {
  const idx = [...Array.from({ length: 17 }, (_, k) => k), ...Array.from({ length: 10 }, (_, k) => 26 - k)];
  const cx = landmarks.reduce((a, p) => a + p[0], 0) / landmarks.length, cy = landmarks.reduce((a, p) => a + p[1], 0) / landmarks.length;
  const poly = idx.map((k) => [cx + 0.9 * (landmarks[k][0] - cx), cy + 0.9 * (landmarks[k][1] - cy)]);
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let inside = false;
      for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
        const [xi, yi] = poly[i], [xj, yj] = poly[j];
        if ((yi > y + 0.5) !== (yj > y + 0.5) && x + 0.5 < ((xj - xi) * (y + 0.5 - yi)) / (yj - yi) + xi) inside = !inside;
      }
      if (inside) px[y * w + x] = 255;
    }
  }
  writeFileSync(path, Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), px]));
}
function letterbox(w, h) {
  // To 16:9 by padding the short side: bars left/right for a narrower image, top/bottom for a wider one.
  if (w * 9 < h * 16) { const W = Math.ceil((h * 16) / 9 / 2) * 2; const ox = Math.floor((W - w) / 2); return [`pad=${W}:${h}:${ox}:0:black`, { s: 1, ox, oy: 0 }]; }
  const H = Math.ceil((w * 9) / 16 / 2) * 2; const oy = Math.floor((H - h) / 2); return [`pad=${w}:${H}:0:${oy}:black`, { s: 1, ox: 0, oy }];
}

// One CLI run over files; returns per file {width, height, faces: [{box, pFake, band}]}.
function check(files, extra) {
  const out = execFileSync(cli, ['check', ...extra, ...files], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.trim().split('\n').map((l) => JSON.parse(l)).map((r) => ({
    width: r.width, height: r.height,
    faces: (r.faces ?? []).map((f) => ({ box: f.box, pFake: f.p_fake, band: f.band, landmarks: f.landmarks })),
  }));
}

// Decoded (ffmpeg) reference PNG and the framing variants of every image.
console.error(`score-stability: preparing ${images.length} images in ${scratch}`);
const dims = [];
images.forEach((img, i) => {
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', img],
    { encoding: 'utf8' }).trim().split(',').map(Number);
  dims.push(probe);
  const [w, h] = probe;
  const outs = [[null, join(scratch, `${i}-dec.png`)]];
  framings.forEach(([, filter], k) => outs.push([filter ?? letterbox(w, h)[0], join(scratch, `${i}-f${k}.png`)]));
  ffmpeg(img, outs);
  wholeFrame.forEach(([, opts, ext], k) => execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', join(scratch, `${i}-dec.png`),
    ...opts, join(scratch, `${i}-w${k}.${ext}`)]));
});

const rows = [];  // [setup, change, matched, total, median, p90, bandChanged, signed median]
const q = (v, p) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : NaN);
function compare(setup, change, base, got, mapOf) {
  let total = 0; const d = []; const signed = []; let changed = 0;
  base.forEach((b, i) => {
    const m = mapOf(i);
    for (const f of b.faces) {
      if (f.pFake == null) continue;
      total++;
      const cx = m.s * (f.box.left + f.box.right) / 2 + m.ox, cy = m.s * (f.box.top + f.box.bottom) / 2 + m.oy;
      const width = m.s * (f.box.right - f.box.left);
      let best = null, bestD = Infinity;
      for (const g of got[i].faces) {
        const dd = Math.hypot((g.box.left + g.box.right) / 2 - cx, (g.box.top + g.box.bottom) / 2 - cy);
        if (dd < bestD) { bestD = dd; best = g; }
      }
      if (!best || bestD > 0.3 * width || best.pFake == null) continue;
      d.push(Math.abs(best.pFake - f.pFake));
      signed.push(best.pFake - f.pFake);
      if (best.band !== f.band) changed++;
    }
  });
  d.sort((a, b) => a - b);
  signed.sort((a, b) => a - b);
  rows.push([setup, change, d.length, total, q(d, 0.5), q(d, 0.9), d.length ? changed / d.length : NaN, q(signed, 0.5)]);
}

for (const [setup, dir, extra] of setups) {
  console.error(`score-stability: setup ${setup} (${dir})`);
  const opts = ['--model-dir', dir, ...extra];
  const libjpeg = check(images, opts);
  const decoded = check(images.map((_, i) => join(scratch, `${i}-dec.png`)), opts);
  const same = () => ({ s: 1, ox: 0, oy: 0 });
  compare(setup, 'decoder: ffmpeg vs libjpeg', libjpeg, decoded, same);
  if (existsSync(pclm)) compare(setup, 'landmarks: compact q4 vs float', libjpeg, check(images, [...opts, '--landmark-model', pclm]), same);
  framings.forEach(([name, , map], k) => {
    const got = check(images.map((_, i) => join(scratch, `${i}-f${k}.png`)), opts);
    compare(setup, name, decoded, got, (i) => (map ? map(...dims[i]) : letterbox(...dims[i])[1]));
  });
  // Crop to the first judged face with one face width of margin on every side.
  const crops = [];
  images.forEach((img, i) => {
    const f = decoded[i].faces.find((x) => x.pFake != null);
    const [w, h] = dims[i];
    if (!f) { crops.push({ s: 1, ox: 0, oy: 0 }); ffmpeg(join(scratch, `${i}-dec.png`), [[null, join(scratch, `${i}-crop.png`)]]); return; }
    const fw = f.box.right - f.box.left, fh = f.box.bottom - f.box.top;
    const x0 = Math.max(0, Math.floor(f.box.left - fw)), y0 = Math.max(0, Math.floor(f.box.top - fh));
    const x1 = Math.min(w, Math.ceil(f.box.right + fw)), y1 = Math.min(h, Math.ceil(f.box.bottom + fh));
    crops.push({ s: 1, ox: -x0, oy: -y0 });
    ffmpeg(join(scratch, `${i}-dec.png`), [[`crop=${x1 - x0}:${y1 - y0}:${x0}:${y0}`, join(scratch, `${i}-crop.png`)]]);
  });
  compare(setup, 'crop to the face + 1 face margin', decoded, check(images.map((_, i) => join(scratch, `${i}-crop.png`)), opts), (i) => crops[i]);
  // Whole-frame changes and the self-blend: real faces only (DF-TIMIT fakes left out).
  const real = images.map((img, i) => i).filter((i) => !images[i].includes('/fake/'));
  const sub = (results) => real.map((i) => results[i]);
  wholeFrame.forEach(([name, , ext, s], k) => {
    const got = check(real.map((i) => join(scratch, `${i}-w${k}.${ext}`)), opts);
    compare(setup, `whole frame: ${name}`, sub(decoded), got, () => ({ s, ox: 0, oy: 0 }));
  });
  real.forEach((i) => {
    const f = decoded[i].faces.find((x) => x.pFake != null);
    const [w, h] = dims[i];
    const out = join(scratch, `${i}-blend.png`);
    if (!f) { ffmpeg(join(scratch, `${i}-dec.png`), [[null, out]]); return; }
    faceMask(f.landmarks, w, h, join(scratch, `${i}-mask.pgm`));
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', join(scratch, `${i}-dec.png`), '-i', join(scratch, `${i}-mask.pgm`),
      '-filter_complex', '[0]format=gbrp,split[a][b];[b]gblur=sigma=2[soft];[1]format=gray,format=gbrp[m];[a][soft][m]maskedmerge,format=rgb24',
      out]);
  });
  compare(setup, 'self-blend (face inside blurred, pasted back)', sub(decoded), check(real.map((i) => join(scratch, `${i}-blend.png`)), opts),
    () => ({ s: 1, ox: 0, oy: 0 }));
}
rmSync(poseOnly, { recursive: true, force: true });
rmSync(blendOnly, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });

console.log(`${images.length} images (DF-TIMIT val frames, HELEN test, dlib examples${every > 1 ? `, every ${every}th` : ''}); ` +
  'reference: the unchanged image; framing changes start from the ffmpeg-decoded image\n');
console.log('| setup | change | faces matched / scored | |ΔP(fake)| median | p90 | band changed | ΔP(fake) median (signed) |');
console.log('|---|---|---|---|---|---|---|');
for (const [setup, change, n, total, med, p90, bc, sm] of rows) {
  console.log(`| ${setup} | ${change} | ${n} / ${total} | ${med.toFixed(3)} | ${p90.toFixed(3)} | ${(100 * bc).toFixed(1)}% | ${sm >= 0 ? '+' : ''}${sm.toFixed(3)} |`);
}

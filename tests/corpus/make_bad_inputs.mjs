#!/usr/bin/env node
// Generates the bad-input corpus (never hand-collected, never committed) into
// build/bad-inputs/ and writes build/bad-inputs/manifest.json: one entry per
// file with its kind (image, video, landmark-model, compact-model, classifier,
// face3d, landmark-csv), what a correct program does with it (`expect`:
// "error", "ok" or "either") and a note. Sources are made with ffmpeg from the
// face-api demo photo; deterministic (seeded bit flips).
//
//   node tests/corpus/make_bad_inputs.mjs [OUT_DIR]
//
// Used by tests/test_bad_inputs.mjs (native CLI, ctest), tests/node/
// bad_inputs.test.mjs (WebAssembly API) and tests/browser/bad_inputs.test.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG_SIGNATURE, pngChunk } from '../../scripts/png.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const demo = join(root, 'node_modules/@vladmandic/face-api/demo/sample2.jpg');

const ffmpeg = (...args) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

// --- small binary helpers ---------------------------------------------------
/** A PNG whose IHDR declares w x h (8-bit RGB) with a tiny, short IDAT. */
function pngDeclaring(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // bit depth 8, colour type RGB
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]); // zlib of one 0 byte
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}
/** Patches the first SOF segment of a JPEG to declare w x h. */
function jpegDeclaring(jpeg, w, h) {
  const b = Buffer.from(jpeg);
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) throw new Error('JPEG marker expected');
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(m)) {
      b.writeUInt16BE(h, i + 5);
      b.writeUInt16BE(w, i + 7);
      return b;
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no SOF');
}
/** A WebP with a VP8X header declaring a w x h canvas (and nothing else). */
function webpVp8xDeclaring(w, h) {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(w - 1, 4, 3);
  vp8x.writeUIntLE(h - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF');
  riff.writeUInt32LE(4 + chunk.length, 4);
  return Buffer.concat([riff, Buffer.from('WEBP'), chunk]);
}
/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function flipBits(buf, count, seed, skip = 0) {
  const b = Buffer.from(buf);
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    const at = skip + Math.floor(r() * (b.length - skip));
    b[at] ^= 1 << Math.floor(r() * 8);
  }
  return b;
}
function randomBytes(n, seed) {
  const r = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
}

/**
 * A baseline CMYK JPEG (Adobe APP14, transform 0, stored inverted as Adobe
 * writes it), 64 x 64, flat colour: DC-only blocks, so it needs no encoder.
 * Stored values C'=255 M'=0 Y'=0 K'=255, i.e. CMYK (0, 1, 1, 0): red.
 */
function cmykJpeg() {
  const seg = (marker, body) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(body.length + 2);
    return Buffer.concat([Buffer.from([0xff, marker]), len, body]);
  };
  const adobe = seg(0xee, Buffer.concat([Buffer.from('Adobe'), Buffer.from([0, 100, 0, 0, 0, 0, 0])]));
  const dqt = seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = seg(0xc0, Buffer.from([8, 0, 64, 0, 64, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]));
  const dcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
  const dht = seg(0xc4, Buffer.concat([Buffer.from([0x00, ...dcBits, ...Array.from({ length: 12 }, (_, i) => i)]),
    Buffer.from([0x10, 1, ...Array(15).fill(0), 0x00])])); // AC: one 1-bit code "0" = EOB
  const sos = seg(0xda, Buffer.from([4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]));
  const dcCode = ['00', '010', '011', '100', '101', '110', '1110', '11110', '111110', '1111110', '11111110', '111111110'];
  const bits = [];
  const put = (s) => { for (const ch of s) bits.push(ch === '1' ? 1 : 0); };
  const putDiff = (d) => {
    if (d === 0) return put(dcCode[0]);
    const s = Math.floor(Math.log2(Math.abs(d))) + 1;
    put(dcCode[s]);
    const v = d > 0 ? d : d + (1 << s) - 1;
    put(v.toString(2).padStart(s, '0'));
  };
  const dc = [255, 0, 0, 255].map((v) => 8 * (v - 128)); // flat block: DC = 8 (v - 128) with q = 1
  for (let mcu = 0; mcu < 64; mcu++) {
    for (let c = 0; c < 4; c++) {
      putDiff(mcu === 0 ? dc[c] : 0);
      put('0'); // EOB
    }
  }
  while (bits.length % 8) bits.push(1);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = parseInt(bits.slice(i, i + 8).join(''), 2);
    data.push(byte);
    if (byte === 0xff) data.push(0);
  }
  return Buffer.concat([Buffer.from([0xff, 0xd8]), adobe, dqt, sof, dht, sos, Buffer.from(data), Buffer.from([0xff, 0xd9])]);
}

// --- the corpus ---------------------------------------------------------------
export function makeBadInputs(out = join(root, 'build/bad-inputs')) {
  rmSync(out, { recursive: true, force: true });
  const src = join(out, 'src');
  mkdirSync(src, { recursive: true });
  const items = [];
  const add = (name, kind, expect, note, bytes) => {
    if (bytes !== undefined) writeFileSync(join(out, name), bytes);
    items.push({ name, kind, expect, note });
  };
  const img = (name, expect, note, bytes) => add(name, 'image', expect, note, bytes);

  // Sources: the face photo at 960 px wide as JPEG, PNG and WebP.
  ffmpeg('-i', demo, '-vf', 'scale=960:-2', '-q:v', '3', join(src, 'face.jpg'));
  ffmpeg('-i', join(src, 'face.jpg'), join(src, 'face.png'));
  ffmpeg('-i', join(src, 'face.jpg'), '-c:v', 'libwebp', '-quality', '80', join(src, 'face.webp'));
  const jpg = readFileSync(join(src, 'face.jpg'));
  const png = readFileSync(join(src, 'face.png'));
  const webp = readFileSync(join(src, 'face.webp'));
  img('ok-face.jpg', 'ok', 'the intact source (control)', jpg);

  img('zero-bytes.jpg', 'error', 'empty file', Buffer.alloc(0));
  img('zero-bytes.png', 'error', 'empty file', Buffer.alloc(0));
  for (const [ext, bytes] of [['jpg', jpg], ['png', png], ['webp', webp]]) {
    for (const frac of [0.002, 0.1, 0.5, 0.9]) {
      // Truncated JPEGs: libjpeg pads a cut scan with grey (a warning), so a
      // valid result is acceptable; a header cut short must be an error.
      const n = Math.max(16, Math.floor(bytes.length * frac));
      img(`truncated-${Math.round(frac * 1000)}permille.${ext}`, frac < 0.01 ? 'error' : 'either', `first ${n} of ${bytes.length} bytes`, bytes.subarray(0, n));
    }
    for (const [count, seed] of [[1, 1], [8, 2], [64, 3], [512, 4]]) {
      img(`bitflip-${count}-s${seed}.${ext}`, 'either', `${count} random bits flipped after the signature`, flipBits(bytes, count, seed, 12));
    }
  }
  img('png-named.jpg', 'ok', 'PNG bytes with a .jpg name (formats are sniffed)', png);
  img('jpeg-named.png', 'ok', 'JPEG bytes with a .png name', jpg);
  img('webp-named.jpg', 'ok', 'WebP bytes with a .jpg name', webp);
  img('text-named.jpg', 'error', 'plain text with an image name', Buffer.from('this is not an image\n'));
  img('html-named.png', 'error', 'HTML with an image name', Buffer.from('<!doctype html><title>x</title><p>404 not found</p>\n'));
  img('random-4k.jpg', 'error', '4 KiB of random bytes', randomBytes(4096, 11));
  img('random-after-jpeg-magic.jpg', 'error', 'JPEG magic then random bytes', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4000, 12)]));
  img('random-after-png-magic.png', 'error', 'PNG signature then random bytes', Buffer.concat([png.subarray(0, 8), randomBytes(4000, 13)]));

  // Odd sizes and pixel formats, from ffmpeg.
  const lavfi = (name, size, extra = []) => {
    ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${size}`, '-frames:v', '1', ...extra, join(out, name));
  };
  lavfi('1x1.png', '1x1'); items.push({ name: '1x1.png', kind: 'image', expect: 'ok', note: '1 x 1 pixel' });
  ffmpeg('-f', 'lavfi', '-i', 'color=c=gray:size=8x8', '-frames:v', '1', '-vf', 'scale=1:1', join(out, '1x1.jpg'));
  items.push({ name: '1x1.jpg', kind: 'image', expect: 'ok', note: '1 x 1 pixel JPEG' });
  ffmpeg('-f', 'lavfi', '-i', 'color=c=gray:size=16x16', '-frames:v', '1', '-c:v', 'libwebp', '-vf', 'scale=1:1', join(out, '1x1.webp'));
  items.push({ name: '1x1.webp', kind: 'image', expect: 'ok', note: '1 x 1 pixel WebP' });
  lavfi('1x4000.png', '1x4000'); items.push({ name: '1x4000.png', kind: 'image', expect: 'ok', note: 'extreme aspect ratio' });
  lavfi('4000x1.png', '4000x1'); items.push({ name: '4000x1.png', kind: 'image', expect: 'ok', note: 'extreme aspect ratio' });
  ffmpeg('-i', join(src, 'face.jpg'), '-vf', 'scale=4000:2', join(out, '4000x2.jpg'));
  items.push({ name: '4000x2.jpg', kind: 'image', expect: 'ok', note: 'extreme aspect ratio JPEG' });
  ffmpeg('-i', join(src, 'face.jpg'), '-pix_fmt', 'rgb48be', join(out, 'rgb48-16bit.png'));
  items.push({ name: 'rgb48-16bit.png', kind: 'image', expect: 'ok', note: '16-bit RGB PNG of the face' });
  ffmpeg('-i', join(src, 'face.jpg'), '-pix_fmt', 'gray16be', join(out, 'gray16-16bit.png'));
  items.push({ name: 'gray16-16bit.png', kind: 'image', expect: 'ok', note: '16-bit grey PNG of the face' });
  ffmpeg('-i', join(src, 'face.jpg'), '-pix_fmt', 'rgba64be', join(out, 'rgba64-16bit.png'));
  items.push({ name: 'rgba64-16bit.png', kind: 'image', expect: 'ok', note: '16-bit RGBA PNG of the face' });
  ffmpeg('-i', join(src, 'face.jpg'), '-vf', 'split[a][b];[a]palettegen[p];[b][p]paletteuse', '-frames:v', '1', join(out, 'palette.png'));
  items.push({ name: 'palette.png', kind: 'image', expect: 'ok', note: 'palette PNG of the face' });
  ffmpeg('-i', join(src, 'face.jpg'), '-pix_fmt', 'gray', join(out, 'gray8.jpg'));
  items.push({ name: 'gray8.jpg', kind: 'image', expect: 'ok', note: 'greyscale JPEG of the face' });
  img('cmyk.jpg', 'ok', 'CMYK JPEG (Adobe APP14, inverted), 64 x 64 flat red: must decode as red, not as RGBA garbage', cmykJpeg());

  // Over-limit sizes declared in headers (the data is tiny): refused before decoding.
  img('png-ihdr-20000x20000.png', 'error', 'PNG IHDR declares 20000 x 20000', pngDeclaring(20000, 20000));
  img('png-ihdr-2147483647x1.png', 'error', 'PNG IHDR declares 2^31-1 x 1', pngDeclaring(0x7fffffff, 1));
  img('png-ihdr-16384x4000.png', 'error', 'PNG IHDR declares 65.5 MP, sides within 16384', pngDeclaring(16384, 4000));
  img('png-ihdr-0x0.png', 'error', 'PNG IHDR declares 0 x 0', pngDeclaring(0, 0));
  img('png-ihdr-6000x6000-short.png', 'error', 'PNG IHDR declares 36 MP (within limits) with one byte of data', pngDeclaring(6000, 6000));
  img('jpeg-sof-65000x65000.jpg', 'error', 'JPEG SOF declares 65000 x 65000', jpegDeclaring(jpg, 65000, 65000));
  img('jpeg-sof-7000x7000.jpg', 'error', 'JPEG SOF declares 49 MP, sides within 16384', jpegDeclaring(jpg, 7000, 7000));
  img('jpeg-sof-0x0.jpg', 'error', 'JPEG SOF declares 0 x 0', jpegDeclaring(jpg, 0, 0));
  img('jpeg-sof-6000x6000-lying.jpg', 'either', 'JPEG SOF declares 36 MP (within limits) over a 960 px scan', jpegDeclaring(jpg, 6000, 6000));
  img('webp-vp8x-16777216.webp', 'error', 'WebP VP8X declares 16777216 x 16777216', webpVp8xDeclaring(16777216, 16777216));
  img('webp-vp8x-20000x100.webp', 'error', 'WebP VP8X declares 20000 x 100', webpVp8xDeclaring(20000, 100));
  img('webp-vp8x-100x100-nodata.webp', 'error', 'WebP VP8X 100 x 100 without image data', webpVp8xDeclaring(100, 100));

  // Animated images.
  ffmpeg('-loop', '1', '-t', '1', '-framerate', '4', '-i', join(src, 'face.jpg'), '-vf', 'scale=240:-2', '-c:v', 'libwebp_anim', '-loop', '0', join(out, 'animated.webp'));
  items.push({ name: 'animated.webp', kind: 'image', expect: 'either', note: 'animated WebP (4 frames)' });
  ffmpeg('-loop', '1', '-t', '1', '-framerate', '4', '-i', join(src, 'face.jpg'), '-vf', 'scale=240:-2', join(out, 'animated.gif'));
  items.push({ name: 'animated.gif', kind: 'image', expect: 'either', note: 'animated GIF (native CLI: unsupported format)' });
  ffmpeg('-loop', '1', '-t', '1', '-framerate', '4', '-i', join(src, 'face.jpg'), '-vf', 'scale=240:-2', '-plays', '0', '-f', 'apng', join(out, 'animated.png'));
  items.push({ name: 'animated.png', kind: 'image', expect: 'ok', note: 'animated PNG (first frame / default image)' });

  // Videos with no (decodable) frames.
  ffmpeg('-loop', '1', '-t', '1', '-framerate', '5', '-i', join(src, 'face.jpg'), '-vf', 'scale=320:-2', '-c:v', 'libvpx', '-b:v', '500k', join(src, 'clip.webm'));
  const webm = readFileSync(join(src, 'clip.webm'));
  add('header-only.webm', 'video', 'either', 'first 200 bytes of a WebM (EBML header, no frames)', webm.subarray(0, 200));
  add('truncated-half.webm', 'video', 'either', 'first half of a 1 s WebM', webm.subarray(0, webm.length >> 1));
  add('zero-bytes.webm', 'video', 'error', 'empty file', Buffer.alloc(0));
  add('random.webm', 'video', 'error', 'random bytes named .webm', randomBytes(20000, 21));
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '1', '-c:a', 'libopus', join(out, 'audio-only.webm'));
  items.push({ name: 'audio-only.webm', kind: 'video', expect: 'either', note: 'WebM with an audio track and no video' });
  ffmpeg('-loop', '1', '-t', '1', '-framerate', '5', '-i', join(src, 'face.jpg'), '-vf', 'scale=320:-2', '-c:v', 'mpeg4', '-movflags', '+faststart', join(src, 'clip.mp4'));
  add('truncated.mp4', 'video', 'either', 'an MP4 cut after 1500 bytes', readFileSync(join(src, 'clip.mp4')).subarray(0, 1500));

  // Models.
  const datPath = '/usr/share/dlib/shape_predictor_68_face_landmarks.dat';
  const pclmPath = join(root, 'web/dist/models/landmarks68.pclm');
  add('random.dat', 'landmark-model', 'error', '64 KiB of random bytes', randomBytes(65536, 31));
  add('random-with-dlib-header.dat', 'landmark-model', 'error', 'dlib version bytes 01 01 then random bytes (unpinned dlib input is trusted: needs the pin)', Buffer.concat([Buffer.from([1, 1]), randomBytes(65534, 32)]));
  add('empty.dat', 'landmark-model', 'error', 'empty file', Buffer.alloc(0));
  if (existsSync(datPath)) {
    const fd = readFileSync(datPath);
    add('truncated-1mb.dat', 'landmark-model', 'error', 'first 1 MiB of dlib\'s 68-point model', fd.subarray(0, 1 << 20));
    add('bitflip.dat', 'landmark-model', 'error', 'dlib\'s model with 16 bits flipped (fails the pin where pinned; else dlib\'s parser must reject it)', flipBits(fd.subarray(0, 4 << 20), 16, 33));
  }
  add('random.pclm', 'compact-model', 'error', 'PCLM magic then random bytes', Buffer.concat([Buffer.from('PCLM'), randomBytes(65532, 41)]));
  if (existsSync(pclmPath)) {
    const pc = readFileSync(pclmPath);
    add('truncated-half.pclm', 'compact-model', 'error', 'first half of the compact model', pc.subarray(0, pc.length >> 1));
    add('truncated-header.pclm', 'compact-model', 'error', 'first 40 bytes of the compact model', pc.subarray(0, 40));
    add('bitflip.pclm', 'compact-model', 'error', 'compact model with 8 payload bits flipped (hash mismatch)', flipBits(pc, 8, 42, 80));
    const huge = Buffer.from(pc.subarray(0, 80));
    huge.writeUInt32LE(10000, 20); // trees per cascade
    add('huge-counts.pclm', 'compact-model', 'error', 'compact header claiming 10000 trees per cascade (80 bytes)', huge);
  }
  const face3d = readFileSync(join(root, 'models/face3d.txt'), 'utf8');
  const faceLines = face3d.split('\n');
  add('random.face3d.txt', 'face3d', 'error', 'random bytes', randomBytes(2000, 51));
  add('truncated.face3d.txt', 'face3d', 'error', 'first half of the 3D face', face3d.slice(0, face3d.length >> 1));
  add('nan.face3d.txt', 'face3d', 'error', 'one coordinate NaN', face3d.replace(/^(-?[0-9.]+)/m, 'nan'));
  add('inf.face3d.txt', 'face3d', 'error', 'one coordinate inf', faceLines.map((l, i) => (i === faceLines.length - 3 ? 'inf 0 0' : l)).join('\n'));
  add('flat.face3d.txt', 'face3d', 'error', 'all points coplanar (z = 0)', faceLines.map((l) => (/^-?[0-9]/.test(l) ? l.split(/\s+/).slice(0, 2).concat('0').join(' ') : l)).join('\n'));
  add('extra-point.face3d.txt', 'face3d', 'error', '69 points', face3d.trimEnd() + '\n1 2 3\n');
  const clsPath = join(root, 'models/classifier.txt');
  if (existsSync(clsPath)) {
    const cls = readFileSync(clsPath, 'utf8');
    add('random.classifier.txt', 'classifier', 'error', 'random bytes', randomBytes(4000, 61));
    add('truncated.classifier.txt', 'classifier', 'error', 'first half of the classifier', cls.slice(0, cls.length >> 1));
    add('nan-mean.classifier.txt', 'classifier', 'error', 'a NaN in the means', cls.replace(/^mean (\S+)/m, 'mean nan'));
    add('zero-std.classifier.txt', 'classifier', 'error', 'a zero standard deviation', cls.replace(/^std (\S+)/m, 'std 0'));
    add('huge-nr-sv.classifier.txt', 'classifier', 'error', 'libsvm header claiming 2^31 support vectors', cls.replace(/^total_sv \d+/m, 'total_sv 2147483647').replace(/^nr_sv (\d+) (\d+)/m, 'nr_sv 2147483647 1'));
    add('huge-index.classifier.txt', 'classifier', 'error', 'a support vector with feature index 2^31', cls.replace(/(\n[-0-9.e+]+ )1:/, '$12147483647:'));
  }

  // Landmark CSVs (posecheck features --landmarks).
  const header = ['group', 'label', 'frame', 'width', 'height', ...Array.from({ length: 68 }, (_, i) => [`x${i + 1}`, `y${i + 1}`]).flat()];
  const pts = Array.from({ length: 68 }, (_, i) => [200 + 80 * Math.cos((2 * Math.PI * i) / 68), 200 + 90 * Math.sin((2 * Math.PI * i) / 68)]).flat().map((v) => v.toFixed(2));
  const row = (vals = pts, w = 480, h = 640) => ['g1', 'real', '0', String(w), String(h), ...vals].join(',');
  const csv = (name, expect, note, lines) => add(name, 'landmark-csv', expect, note, lines.join('\n') + '\n');
  csv('ok.landmarks.csv', 'ok', 'a well-formed row (an ellipse: poses may fail, which is a result)', [header.join(','), row()]);
  csv('nan.landmarks.csv', 'error', 'a NaN coordinate', [header.join(','), row(pts.map((v, i) => (i === 7 ? 'NaN' : v)))]);
  csv('inf.landmarks.csv', 'error', 'an inf coordinate', [header.join(','), row(pts.map((v, i) => (i === 9 ? 'inf' : v)))]);
  csv('minus-inf.landmarks.csv', 'error', 'a -Infinity coordinate', [header.join(','), row(pts.map((v, i) => (i === 9 ? '-Infinity' : v)))]);
  csv('huge.landmarks.csv', 'either', 'coordinates of 1e300', [header.join(','), row(pts.map((v, i) => (i % 5 === 0 ? '1e300' : v)))]);
  csv('overflow.landmarks.csv', 'error', 'a coordinate of 1e999 (overflows to inf)', [header.join(','), row(pts.map((v, i) => (i === 3 ? '1e999' : v)))]);
  csv('missing-column.landmarks.csv', 'error', 'header without y68', [header.slice(0, -1).join(','), row(pts.slice(0, -1))]);
  csv('short-row.landmarks.csv', 'error', 'a row with 10 fields', [header.join(','), row().split(',').slice(0, 10).join(',')]);
  csv('long-row.landmarks.csv', 'error', 'a row with an extra field', [header.join(','), row() + ',7']);
  csv('header-only.landmarks.csv', 'either', 'header, no rows', [header.join(',')]);
  csv('empty-field.landmarks.csv', 'error', 'an empty coordinate', [header.join(','), row(pts.map((v, i) => (i === 0 ? '' : v)))]);
  csv('text-field.landmarks.csv', 'error', 'a word where a number belongs', [header.join(','), row(pts.map((v, i) => (i === 0 ? 'twelve' : v)))]);
  csv('zero-size.landmarks.csv', 'error', 'width 0', [header.join(','), row(pts, 0, 640)]);
  csv('negative-size.landmarks.csv', 'error', 'height -5', [header.join(','), row(pts, 480, -5)]);
  csv('over-limit-size.landmarks.csv', 'error', 'width 100000', [header.join(','), row(pts, 100000, 640)]);
  csv('unterminated-quote.landmarks.csv', 'error', 'an unterminated quote', [header.join(','), '"g1,real,0,480,640']);
  csv('all-same-point.landmarks.csv', 'either', '68 identical points', [header.join(','), row(Array(136).fill('100'))]);
  add('empty.landmarks.csv', 'landmark-csv', 'error', 'empty file', Buffer.alloc(0));
  add('binary.landmarks.csv', 'landmark-csv', 'error', 'random bytes', randomBytes(3000, 71));

  rmSync(src, { recursive: true, force: true });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ generated_by: 'tests/corpus/make_bad_inputs.mjs', items }, null, 1));
  return { dir: out, items };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dir, items } = makeBadInputs(process.argv[2]);
  console.log(`${items.length} bad inputs in ${dir}`);
}

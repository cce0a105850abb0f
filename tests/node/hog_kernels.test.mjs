// The HOG detector's WebAssembly SIMD kernels (core/hog_wasm_simd.h: image
// pyramid resize, HOG gradients, separable filters) are bit-exact with dlib's
// own code: tests/wasm/hog_kernels_test.cpp, built into
// build-wasm/, compares them in WebAssembly on these photos (full size,
// 640x480 and odd crops decoded as the CLI decodes them) and on synthetic
// images and planes of odd sizes from 1x1 up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeNative, demoDir, root } from './helpers.mjs';

const program = join(root, 'build-wasm/wasm/hog_kernels_test.cjs');

test('HOG features, pyramid resizes and separable filters: kernels equal dlib bit for bit on photos and odd sizes', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'posecheck-kernels-'));
  const photos = [['sample1.jpg', 'copy'], ['sample2.jpg', 'scale=640:480'], ['sample3.jpg', 'crop=333:251:1380:170'],
    ['sample4.jpg', 'scale=641:479'], ['sample5.jpg', 'crop=257:215:600:200']];
  const args = [];
  for (const [name, filter] of photos) {
    const png = join(scratch, `${name}.png`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, name), ...(filter === 'copy' ? [] : ['-vf', filter]), png]);
    const { rgba, width, height } = decodeNative(png);
    const raw = join(scratch, `${name}.rgba`);
    writeFileSync(raw, rgba);
    args.push(String(width), String(height), raw);
  }
  const lines = execFileSync(process.execPath, [program, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n');
  const cases = lines.map((l) => JSON.parse(l));
  // 3 cases per photo (hog, resize, filter), 3 per synthetic image (11 sizes x 3 patterns), 1 per synthetic plane.
  assert.equal(cases.length, photos.length * 3 + 11 * 3 * 3 + 11, 'every case reported');
  for (const c of cases) assert.equal(c.different, 0, `${c.case}: ${c.different} of ${c.compared} floats differ from dlib`);
  for (const c of cases.slice(0, photos.length * 3)) assert.ok(c.compared > 50000, `${c.case}: only ${c.compared} floats compared`);
  const planes = cases.filter((c) => c.case.startsWith('synthetic plane'));
  assert.ok(planes.every((c) => c.compared > 0), 'every synthetic plane was filtered');
  const odd = cases.find((c) => c.case === 'synthetic 127x97 pattern 0 hog');
  assert.ok(odd.compared > 0, 'HOG of a 127x97 image compared');
});

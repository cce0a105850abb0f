// The WebAssembly API (web/engine.js) on the generated bad-input corpus
// (tests/corpus/make_bad_inputs.mjs): images the native decoder can decode
// go in as its RGBA pixels; everything else goes in as raw bytes with odd
// sizes; bad models go to createEngine; landmark CSV rows to judgeLandmarks.
// Every call ends in a PoseCheckError or a valid result within 10 s, and the
// engine stays usable (same result on the control image after each item).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { makeBadInputs } from '../corpus/make_bad_inputs.mjs';
import { PoseCheckError } from '../../web/engine.js';
import { cli, decodeNative, engine, root } from './helpers.mjs';

let n = 0;
/** The native decoder's RGBA pixels (helpers' decodeNative, without its stderr). */
function decodeQuiet(file) {
  const out = join(root, 'build/bad-inputs-node', `decoded-${n++}.rgba`);
  const { width, height } = JSON.parse(execFileSync(cli, ['decode', file, '--out', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const rgba = new Uint8Array(readFileSync(out));
  rmSync(out);
  return { rgba, width, height };
}

const skip = existsSync(cli) ? false : `needs the native CLI at ${cli} (npm run build)`;

describe('WebAssembly API on bad inputs', { skip }, () => {
  let e, corpus, control, controlResult;
  const blank = new Uint8Array(32 * 24 * 4).fill(200);

  before(async () => {
    corpus = makeBadInputs(join(root, 'build/bad-inputs-node'));
    e = await engine();
    control = decodeNative(join(corpus.dir, 'ok-face.jpg'));
    controlResult = e.check(control.rgba, control.width, control.height);
    assert.equal(controlResult.faces_found, 1);
  });

  const path = (name) => join(corpus.dir, name);
  const items = (kind) => corpus.items.filter((i) => i.kind === kind);

  /** Runs fn; it must return a result or throw a PoseCheckError, within 10 s. */
  function settle(what, fn) {
    const t0 = performance.now();
    let out;
    try {
      out = { result: fn() };
    } catch (err) {
      assert.ok(err instanceof PoseCheckError, `${what}: threw ${err?.constructor?.name}: ${err?.message}`);
      assert.match(err.code, /^[a-z_]+$/, `${what}: error code`);
      assert.ok(err.message.length > 5, `${what}: error message`);
      out = { error: err };
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 10000, `${what}: took ${ms.toFixed(0)} ms`);
    return out;
  }

  function stillUsable(what) {
    assert.equal(e.check(blank, 32, 24).verdict, 'no_face', `${what}: engine unusable afterwards`);
  }

  test('images: decodable ones give results, raw bytes with any claimed size give errors', () => {
    const heap0 = e.heapBytes();
    for (const item of [...items('image'), ...items('video')]) {
      const bytes = new Uint8Array(readFileSync(path(item.name)));
      let decoded = null;
      try {
        decoded = decodeQuiet(path(item.name));
      } catch {
        // The native decoder refused it (its own test checks that); the API still gets the raw bytes below.
      }
      if (decoded) {
        const { result } = settle(item.name, () => e.check(decoded.rgba, decoded.width, decoded.height));
        assert.ok(result, `${item.name}: decoded pixels must give a result`);
        assert.equal(result.width, decoded.width);
      }
      // Raw file bytes as if they were pixels, with sizes a caller might pass.
      const n = bytes.length;
      for (const [w, h] of [[1, 1], [Math.max(1, n >> 2), 1], [0, 0], [-1, 4], [1.5, 2], [NaN, 1], [16385, 1], [1, 1 << 30]]) {
        settle(`${item.name} as ${w}x${h} pixels`, () => e.check(bytes, w, h));
      }
      if (n >= 4 && n % 4 === 0) settle(`${item.name} as ${n >> 2}x1`, () => e.check(bytes, n >> 2, 1));
      stillUsable(item.name);
    }
    // Wrong types and shapes.
    for (const [what, fn] of [
      ['null pixels', () => e.check(null, 1, 1)],
      ['array of numbers', () => e.check([1, 2, 3, 4], 1, 1)],
      ['string', () => e.check('abcd', 1, 1)],
      ['Float32Array', () => e.check(new Float32Array(4), 1, 1)],
      ['empty buffer', () => e.check(new Uint8Array(0), 0, 0)],
      ['options with NaN', () => e.check(blank, 32, 24, { upsample: NaN, maxFaces: -1 })],
      ['upsample 7', () => e.check(blank, 32, 24, { upsample: 7 })],
      ['maxDetectionSide -5', () => e.check(blank, 32, 24, { maxDetectionSide: -5 })],
      ['1x4000', () => e.check(new Uint8Array(4000 * 4).fill(7), 1, 4000)],
      ['4000x1', () => e.check(new Uint8Array(4000 * 4).fill(7), 4000, 1)],
      ['16384x1', () => e.check(new Uint8Array(16384 * 4), 16384, 1)],
    ]) {
      settle(what, fn);
      stillUsable(what);
    }
    const again = e.check(control.rgba, control.width, control.height);
    assert.deepEqual(again, controlResult, 'control image result changed after the bad inputs');
    // The heap grows for the largest image (the 36-megapixel lying JPEG: a
    // 144 MB input buffer plus the detector's downscaled copy) and stays bounded.
    assert.ok(e.heapBytes() <= Math.max(heap0, 512 << 20), `heap ${e.heapBytes()} bytes`);
  });

  test('landmark CSV rows through judgeLandmarks: errors for non-finite numbers, results otherwise', () => {
    for (const item of items('landmark-csv')) {
      const lines = readFileSync(path(item.name), 'latin1').split('\n').filter(Boolean);
      for (const line of lines.slice(1)) {
        const f = line.split(',');
        const [w, h] = [Number(f[3]), Number(f[4])];
        const pts = f.slice(5).map(Number);
        const { result, error } = settle(item.name, () => e.judgeLandmarks(pts, w, h));
        if (pts.length === 136 && pts.some((x) => !Number.isFinite(x))) assert.ok(error, `${item.name}: non-finite landmarks accepted`);
        if (result) assert.ok(['ok', 'cannot_judge'].includes(result.status), item.name);
      }
      stillUsable(item.name);
    }
    for (const pts of [[], Array(136).fill(Infinity), Array(136).fill(1e308), Array(136).fill(-1e-308), Array(272).fill(1)]) {
      settle(`judgeLandmarks(${pts.length} x ${pts[0]})`, () => e.judgeLandmarks(pts, 640, 480));
    }
    settle('judgeLandmarks with size 0', () => e.judgeLandmarks(Array(136).fill(5), 0, 0));
    stillUsable('judgeLandmarks');
  });

  test('bad models are refused by createEngine with a PoseCheckError', { timeout: 600000 }, async () => {
    // Each Emscripten module instance on Node adds process-wide uncaughtException /
    // unhandledRejection listeners; this test makes ~25 instances on purpose.
    process.setMaxListeners(64);
    const good = (extra) => engine(extra);
    const cases = [];
    for (const item of [...items('landmark-model'), ...items('compact-model')]) {
      const bytes = new Uint8Array(readFileSync(path(item.name)));
      // Pinned (as the page loads dlib's model) and unpinned for the validated PCLM loader.
      cases.push([`${item.name} pinned`, { landmarkModel: bytes }]);
      if (item.kind === 'compact-model') cases.push([`${item.name} unpinned`, { landmarkModel: bytes, landmarkSha256: '' }]);
    }
    for (const item of items('face3d')) cases.push([item.name, { faceModel: readFileSync(path(item.name), 'latin1') }]);
    for (const item of items('classifier')) cases.push([item.name, { classifier: readFileSync(path(item.name), 'latin1') }]);
    for (const [what, extra] of cases) {
      const t0 = performance.now();
      await assert.rejects(good(extra), (err) => {
        assert.ok(err instanceof PoseCheckError, `${what}: ${err?.constructor?.name}: ${err?.message}`);
        assert.match(err.code, /^model_(format|checksum)$|^invalid_argument$/, `${what}: ${err.code}`);
        return true;
      }, what);
      assert.ok(performance.now() - t0 < 10000, `${what}: took too long`);
    }
    stillUsable('models');
  });
});

// The built WebAssembly module in Node, through web/engine.js (what the
// worker runs): every binding, parity with the native CLI on identical
// pixels, bad input, and a flat heap over 1000 checks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import { checkNative, decodeNative, demoDir, dist, engine, landmarkModel, root, shared } from './helpers.mjs';

let e;
before(async () => {
  e = await engine();
});

function assertNear(a, b, tol, what) {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
}

function assertSameFaces(wasm, native, name) {
  assert.equal(wasm.faces_found, native.faces_found, `${name}: faces found`);
  assert.equal(wasm.faces.length, native.faces.length, `${name}: faces analysed`);
  wasm.faces.forEach((fw, i) => {
    const fn = native.faces[i];
    const at = `${name} face ${i}`;
    for (const k of ['left', 'top', 'right', 'bottom']) assertNear(fw.box[k], fn.box[k], 0.01, `${at} box.${k}`);
    // The HOG pyramid, features and filter give the same score to the last
    // printed digit (the module's SIMD conversions are exact: wasm/shim).
    assertNear(fw.detection_confidence, fn.detection_confidence, 1e-9, `${at} detection confidence`);
    fw.landmarks.forEach((p, j) => {
      assertNear(p[0], fn.landmarks[j][0], 0.01, `${at} landmark ${j + 1} x`);
      assertNear(p[1], fn.landmarks[j][1], 0.01, `${at} landmark ${j + 1} y`);
    });
    assert.equal(fw.status, fn.status, `${at} status`);
    for (const pose of ['pose_whole', 'pose_central']) {
      assert.equal(fw[pose].ok, fn[pose].ok);
      if (!fw[pose].ok) continue;
      fw[pose].rotation_matrix.forEach((x, k) => assertNear(x, fn[pose].rotation_matrix[k], 1e-6, `${at} ${pose} R${k}`));
      fw[pose].translation.forEach((x, k) => assertNear(x, fn[pose].translation[k], 1e-6 * Math.max(1, Math.abs(x)), `${at} ${pose} t${k}`));
    }
    if (fw.features) {
      for (const [variant, values] of Object.entries(fw.features)) {
        values.forEach((x, k) => assertNear(x, fn.features[variant][k], 1e-6 * Math.max(1, Math.abs(x)), `${at} ${variant}[${k}]`));
      }
      assertNear(fw.cosine_distance, fn.cosine_distance, 1e-6, `${at} cosine distance`);
    }
    if (fw.p_fake !== null || fn.p_fake !== null) assertNear(fw.p_fake, fn.p_fake, 1e-6, `${at} p_fake`);
    if (fw.pose_p_fake !== null || fn.pose_p_fake !== null) assertNear(fw.pose_p_fake, fn.pose_p_fake, 1e-6, `${at} pose_p_fake`);
    if (fw.blend_p_fake !== null || fn.blend_p_fake !== null) assertNear(fw.blend_p_fake, fn.blend_p_fake, 1e-6, `${at} blend_p_fake`);
    assert.equal(fw.blend_band, fn.blend_band, `${at} blend_band`);
    if (fw.combined_p_fake !== null || fn.combined_p_fake !== null) assertNear(fw.combined_p_fake, fn.combined_p_fake, 1e-6, `${at} combined_p_fake`);
    assert.equal(fw.combined_band, fn.combined_band, `${at} combined_band`);
    // The blend measures: one C++ function on the same pixels.
    assert.equal(fw.blend === null, fn.blend === null, `${at} blend present`);
    if (fw.blend) {
      assert.equal(fw.blend.ok, fn.blend.ok, `${at} blend ok`);
      if (fw.blend.ok) {
        fw.blend.detail_ratio.forEach((x, k) => assertNear(x, fn.blend.detail_ratio[k], 1e-6, `${at} blend detail_ratio[${k}]`));
        for (const k of ['slope_difference', 'seam_ratio', 'chroma_step']) assertNear(fw.blend[k], fn.blend[k], 1e-6, `${at} blend ${k}`);
      }
    }
  });
  if (wasm.score !== null || native.score !== null) assertNear(wasm.score, native.score, 1e-6, `${name} score`);
  assert.equal(wasm.verdict, native.verdict, `${name} verdict`);
}

describe('bindings', () => {
  // version() says which models are loaded: each one's format and the first 12 hex digits of the hash the
  // results' `models` carry (core/checker.h, version_line).
  const packageVersion = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const loadedModels = (landmarkFormat, models) => `posecheck ${packageVersion()} (landmarks: ${landmarkFormat} ${models.landmarks.slice(0, 12)}; ` +
    `face3d: posecheck-face3d 1 ${models.face3d.slice(0, 12)}; classifier: posecheck-classifier 1 ${models.classifier.slice(0, 12)}; ` +
    `blend_classifier: posecheck-classifier 1 ${models.blend_classifier.slice(0, 12)}; ` +
    `track_classifier: posecheck-classifier 1 ${models.track_classifier.slice(0, 12)}; ` +
    `combination: posecheck-combination 1 ${models.combination.sha256.slice(0, 12)})`;
  test('version names the module and the loaded dlib landmark model, as the results do', () => {
    const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
    assert.equal(e.version(), loadedModels('dlib-shape-predictor-v1', e.check(rgba, width, height).models));
  });
  test('version names the compact landmark model that ships, as the results do', async () => {
    const pinned = readFileSync(join(root, 'models/landmarks68.pclm.sha256'), 'utf8').trim();
    const compact = await engine({ landmarkModel: new Uint8Array(readFileSync(join(dist, 'models/landmarks68.pclm'))), landmarkSha256: pinned });
    try {
      const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
      const { models } = compact.check(rgba, width, height);
      assert.equal(models.landmarks, pinned);
      assert.equal(compact.version(), loadedModels('posecheck-compact-v1', models));
    } finally {
      compact.close();
    }
  });
  test('before models are loaded, version says so and lists the formats it reads', async () => {
    const { default: create } = await import(pathToFileURL(join(dist, 'posecheck.mjs')).href);
    const module = await create({ wasmBinary: new Uint8Array(readFileSync(join(dist, 'posecheck.wasm'))) });
    const analyzer = new module.Analyzer();
    try {
      assert.equal(analyzer.version(), `posecheck ${packageVersion()} (no models loaded; reads landmarks: dlib-shape-predictor-v1, ` +
        'posecheck-compact-v1; face3d: posecheck-face3d 1; classifiers: posecheck-classifier 1; combination: posecheck-combination 1)');
    } finally {
      analyzer.delete();
    }
  });
  test('version without classifiers says none for each', async () => {
    const bare = await engine({ classifier: '', trackClassifier: '', blendClassifier: '', combination: '' });
    try {
      assert.match(bare.version(), /; classifier: none; blend_classifier: none; track_classifier: none; combination: none\)$/);
    } finally {
      bare.close();
    }
  });
  test('load reports the models it checked', () => {
    assert.equal(e.models.landmarks, 'fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f');
    assert.match(e.models.face3d, /^[0-9a-f]{64}$/);
  });
  test('check on a blank image finds no face', () => {
    const r = e.check(new Uint8Array(64 * 48 * 4).fill(90), 64, 48);
    assert.deepEqual([r.faces_found, r.faces, r.score, r.verdict], [0, [], null, 'no_face']);
  });
  test('profile times every stage of one call', () => {
    const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
    const p = e.profile(rgba, width, height);
    assert.equal(p.faces, 1);
    for (const k of ['detect_ms', 'landmarks_ms', 'pose_ms', 'features_ms', 'svm_ms']) assert.ok(p[k] >= 0, k);
    assert.ok(p.detect_ms > 0 && p.landmarks_ms > 0);
  });
  test('judgeLandmarks gives both poses for given points, as the checker does', () => {
    const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
    const face = e.check(rgba, width, height).faces[0];
    const judged = e.judgeLandmarks(face.landmarks, width, height);
    assert.equal(judged.pose_whole.ok, true);
    judged.pose_whole.rotation_matrix.forEach((x, k) => assertNear(x, face.pose_whole.rotation_matrix[k], 1e-12, `R${k}`));
    assert.throws(() => e.judgeLandmarks([1, 2, 3], width, height), /136 numbers/);
  });
});

describe('same results as the native CLI on identical pixels', () => {
  const photos = readdirSync(demoDir).filter((f) => /^sample\d\.jpg$/.test(f)).map((f) => join(demoDir, f));
  const dlibFaces = join(shared, 'data/dlib_faces');
  const sharedPhotos = existsSync(dlibFaces)
    ? readdirSync(dlibFaces).filter((f) => f.endsWith('.jpg')).map((f) => join(dlibFaces, f))
    : [];
  for (const path of photos) {
    test(`face-api ${path.split('/').pop()}`, () => {
      const px = decodeNative(path);
      assertSameFaces(e.check(px.rgba, px.width, px.height), checkNative(path), path);
    });
  }
  // Odd sizes (issue 16): the pyramid's vector code has tails at widths that
  // are no multiple of 4 or 16; 1x1 and 1-pixel-wide images have no face.
  test('odd sizes: a face at widths 641, 333 and 257, and 1x1, 1x200, 200x1 images', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'posecheck-odd-'));
    // sample2.jpg's face: x 1447-1628, y 214-394 of 1920x1367.
    const sizes = [['crop=641:479:1200:60', 1], ['crop=333:251:1380:170', 1], ['crop=400:335:1340:140,scale=257:215', 1],
      ['scale=1:1', 0], ['scale=1:200', 0], ['scale=200:1', 0]];
    for (const [filter, faces] of sizes) {
      const path = join(scratch, `${filter.replace(/[^0-9]+/g, '-')}.png`);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, 'sample2.jpg'), '-vf', filter, path]);
      const px = decodeNative(path);
      const wasm = e.check(px.rgba, px.width, px.height);
      assertSameFaces(wasm, checkNative(path), `${px.width}x${px.height}`);
      assert.equal(wasm.faces_found, faces, `${px.width}x${px.height}: faces found`);
    }
  });
  test('dlib example faces (../shared/data/dlib_faces)', { skip: sharedPhotos.length ? false : 'needs ../shared/data/dlib_faces (absent)' }, () => {
    let faces = 0;
    for (const path of sharedPhotos) {
      const px = decodeNative(path);
      const wasm = e.check(px.rgba, px.width, px.height);
      assertSameFaces(wasm, checkNative(path), path);
      faces += wasm.faces.length;
    }
    assert.ok(faces >= 20, `only ${faces} faces compared`);
  });
});

describe('bad input is refused clearly and the module stays usable', () => {
  const good = () => {
    const r = e.check(new Uint8Array(32 * 32 * 4), 32, 32);
    assert.equal(r.verdict, 'no_face');
  };
  const cases = [
    ['wrong buffer size', () => e.check(new Uint8Array(100), 10, 10), /needs 400/],
    ['zero size', () => e.check(new Uint8Array(0), 0, 10), /not a positive whole size/],
    ['fractional size', () => e.check(new Uint8Array(40), 2.5, 4), /not a positive whole size/],
    ['not bytes', () => e.check([1, 2, 3, 4], 1, 1), /Uint8Array/],
    ['over the pixel limit', () => e.check(new Uint8Array(4), 20000, 20000), /needs|over the limit/],
    ['over the side limit', () => e.check(new Uint8Array(17000 * 4), 17000, 1), /over the limit/],
    ['bad options', () => e.check(new Uint8Array(16 * 16 * 4), 16, 16, { upsample: 5 }), /upsample/],
  ];
  for (const [name, call, message] of cases) {
    test(name, () => {
      assert.throws(call, (err) => err.name === 'PoseCheckError' && message.test(err.message) && typeof err.code === 'string');
      good();
    });
  }
  test('corrupt, truncated and unpinned-wrong model bytes are refused', async () => {
    const random = new Uint8Array(1 << 16).map((_, i) => (i * 2654435761) >>> 24);
    await assert.rejects(engine({ landmarkModel: random, landmarkSha256: '' }), /not a dlib shape predictor/);
    await assert.rejects(engine({ landmarkModel: landmarkModel().subarray(0, 1 << 20), landmarkSha256: '' }), /truncated or corrupt/);
    await assert.rejects(engine({ landmarkModel: landmarkModel().subarray(0, 1 << 20) }), /does not match the expected/);
    await assert.rejects(engine({ faceModel: 'posecheck-face3d 2\n' }), /unsupported version/);
    await assert.rejects(engine({ classifier: 'posecheck-classifier 1\nvariant nope\n' }), /classifier model, line 2/);
    good();
  });
});

test('1000 consecutive checks of one image leave the heap flat', () => {
  const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
  // A 640-px-wide copy (nearest neighbour) keeps the test quick.
  const w = 640, h = Math.round((height * w) / width);
  const small = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = Math.floor((x * width) / w), sy = Math.floor((y * height) / h);
      small.set(rgba.subarray((sy * width + sx) * 4, (sy * width + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  assert.equal(e.check(small, w, h).faces_found, 1);
  const after10 = (() => { for (let i = 0; i < 10; i++) e.check(small, w, h); return e.heapBytes(); })();
  for (let i = 0; i < 1000; i++) e.check(small, w, h);
  assert.equal(e.heapBytes(), after10, `heap grew from ${after10} to ${e.heapBytes()} bytes`);
});

// The npm package: what `npm pack` would ship, and that its entry points load.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { root } from './helpers.mjs';

test('the package ships the API, types, module and default models', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' }));
  const files = new Set(pack.files.map((f) => f.path));
  for (const f of ['web/posecheck.js', 'web/engine.js', 'web/worker.js', 'web/posecheck.d.ts', 'web/dist/posecheck.mjs',
    'web/dist/posecheck.wasm', 'web/dist/models/landmarks68.pclm', 'web/dist/models/face3d.txt', 'models/face3d.txt',
    'web/dist/models/classifier.txt', 'web/dist/models/track_classifier.txt', 'models/classifier.txt', 'models/track_classifier.txt',
    'web/dist/models/blend_classifier.txt', 'models/blend_classifier.txt', 'web/dist/models/combination.txt', 'models/combination.txt',
    'web/dist/build-id.js']) {
    assert.ok(files.has(f), `package lacks ${f}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].types, './web/posecheck.d.ts');
  // dlib's full landmark model (99.7 MB) is not the default and stays out (README: how to supply it).
  assert.deepEqual([...files].filter((f) => f.endsWith('.dat')), []);
  const mb = (n) => (n / 1048576).toFixed(1);
  console.log(`npm pack: ${mb(pack.size)} MB packed, ${mb(pack.unpackedSize)} MB unpacked, ${pack.files.length} files`);
  assert.ok(pack.size <= 12 * 1048576 && pack.unpackedSize <= 12 * 1048576, `the package weighs ${mb(pack.size)} / ${mb(pack.unpackedSize)} MB (at most 12)`);
});

test('the public entry point imports in Node and exposes the API', async () => {
  const api = await import(join(root, 'web/posecheck.js'));
  assert.equal(typeof api.PoseChecker.create, 'function');
  assert.equal(api.DEFAULT_OPTIONS.upsample, 0);
  assert.match(api.DEFAULT_MODELS.landmarkSha256, /^[0-9a-f]{64}$/);
  // Every default model URL points inside the package, never to another host.
  for (const [k, v] of Object.entries(api.DEFAULT_MODELS)) if (k !== 'landmarkSha256') assert.match(v, /^file:/, k);
  assert.match(api.DEFAULT_MODELS.landmarkModel, /landmarks68\.pclm$/);
  assert.match(api.FULL_LANDMARK_MODEL.landmarkModel, /shape_predictor_68_face_landmarks\.dat$/);
  assert.match(api.DEFAULT_MODELS.trackClassifier, /track_classifier\.txt$/);
  assert.match(api.DEFAULT_MODELS.blendClassifier, /blend_classifier\.txt$/);
  assert.match(api.DEFAULT_MODELS.combination, /combination\.txt$/);
  // Videos: the per-person API exists in the code and in the types.
  assert.equal(typeof api.PoseChecker.prototype.beginVideo, 'function');
  const types = readFileSync(join(root, 'web/posecheck.d.ts'), 'utf8');
  for (const decl of ['beginVideo(options?: { helpers?: PoseChecker[] }): Promise<VideoSession>', 'export interface VideoSummary', 'export interface PersonResult',
    'people: PersonResult[]', 'bands: Bands | null', 'camera: CameraIntrinsics']) {
    assert.ok(types.includes(decl), `posecheck.d.ts lacks ${decl}`);
  }
});

test('no dynamic code: the module and API run under an MV3 extension CSP', () => {
  // Manifest V3 extension pages allow 'wasm-unsafe-eval' but never eval or
  // new Function; the module is built with -sDYNAMIC_EXECUTION=0.
  for (const f of ['web/dist/posecheck.mjs', 'web/engine.js', 'web/worker.js', 'web/posecheck.js']) {
    const code = readFileSync(join(root, f), 'utf8');
    assert.doesNotMatch(code, /new Function\s*\(|[^\w.]eval\s*\(/, f);
  }
});

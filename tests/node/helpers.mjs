// Shared by the Node tests of the built WebAssembly module.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../../web/engine.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = join(root, 'build/tools/posecheck');
export const dist = join(root, 'web/dist');
export const landmarkPath = join(dist, 'models/shape_predictor_68_face_landmarks.dat');
export const shared = process.env.POSECHECK_SHARED ?? join(root, '../shared');
export const demoDir = join(root, 'node_modules/@vladmandic/face-api/demo');

let landmarkBytes;
export function landmarkModel() {
  landmarkBytes ??= new Uint8Array(readFileSync(landmarkPath));
  return landmarkBytes;
}

export const faceModelText = () => readFileSync(join(root, 'models/face3d.txt'), 'utf8');
// The shipped classifiers: required (a missing one fails the tests that use them).
export const classifierText = () => readFileSync(join(root, 'models/classifier.txt'), 'utf8');
export const trackClassifierText = () => readFileSync(join(root, 'models/track_classifier.txt'), 'utf8');
export const blendClassifierText = () => readFileSync(join(root, 'models/blend_classifier.txt'), 'utf8');
export const combinationText = () => readFileSync(join(root, 'models/combination.txt'), 'utf8');

export function engine(extra = {}) {
  return createEngine({
    moduleUrl: pathToFileURL(join(dist, 'posecheck.mjs')).href,
    wasmBinary: new Uint8Array(readFileSync(join(dist, 'posecheck.wasm'))),
    landmarkModel: landmarkModel(),
    landmarkSha256: 'fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f',
    faceModel: faceModelText(),
    classifier: classifierText(),
    trackClassifier: trackClassifierText(),
    blendClassifier: blendClassifierText(),
    combination: combinationText(),
    ...extra,
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'posecheck-node-'));

/** The exact RGBA pixels the native CLI decodes from an image file. */
export function decodeNative(path) {
  const out = join(scratch, `${Math.random().toString(36).slice(2)}.rgba`);
  const { width, height } = JSON.parse(execFileSync(cli, ['decode', path, '--out', out], { encoding: 'utf8' }));
  return { rgba: new Uint8Array(readFileSync(out)), width, height };
}

/** The native CLI's JSON result for an image file. */
export function checkNative(path) {
  return JSON.parse(execFileSync(cli, ['check', '--model-dir', join(root, 'models'), path], { encoding: 'utf8' }));
}

// One result schema: the native CLI's JSON (tools/json_output.cpp) and the
// WebAssembly module's result objects (wasm/bindings.cpp) are written by two
// serialisers; this holds them to the same fields, at every depth, for photos
// and for videos (people), and every field to a declaration in
// web/posecheck.d.ts. A field dropped or renamed on one side fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeFixtures } from '../browser/fixtures.mjs';
import { cli, decodeNative, demoDir, engine, root } from './helpers.mjs';

/** Every field path of a JSON value: ".faces[].blend.detail_ratio", ... (array elements pooled). */
function fieldPaths(value, prefix = '', out = new Set()) {
  if (Array.isArray(value)) {
    for (const v of value) if (v && typeof v === 'object') fieldPaths(v, `${prefix}[]`, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(`${prefix}.${k}`);
      fieldPaths(v, `${prefix}.${k}`, out);
    }
  }
  return out;
}

const only = (a, b) => [...a].filter((k) => !b.has(k)).sort();
/** Whether path is one of `fields` or inside one. */
const within = (fields, path) => [...fields].some((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[]`));

// Fields of the CLI's JSON that describe the file it read, which the module never sees.
const CLI_FILE_FIELDS = new Set(['.file', '.type']);
const CLI_VIDEO_FIELDS = new Set(['.file', '.type', '.width', '.height', '.fps', '.sample_fps', '.models', '.frames_scored', '.frames']);

describe('one result schema', () => {
  let e;
  const photos = ['sample1.jpg', 'sample3.jpg', 'sample6.jpg'].map((f) => join(demoDir, f));
  before(async () => { e = await engine(); });
  after(() => e?.close());

  const native = (args) => JSON.parse(execFileSync(cli, ['check', '--model-dir', join(root, 'models'), ...args], { encoding: 'utf8' }));

  test('a photo: the CLI and the module give the same fields at every depth', () => {
    const cliFields = new Set(), wasmFields = new Set();
    for (const path of photos) {
      fieldPaths(native([path]), '', cliFields);
      const px = decodeNative(path);
      fieldPaths(e.check(px.rgba, px.width, px.height), '', wasmFields);
    }
    // Judged faces and faces that cannot be judged both occur, so both shapes are compared.
    assert.ok(wasmFields.has('.faces[].blend.detail_ratio') && wasmFields.has('.faces[].pose_whole.rotation_matrix'));
    assert.deepEqual(only(cliFields, wasmFields).filter((k) => !within(CLI_FILE_FIELDS, k)), [], 'fields only the CLI writes');
    assert.deepEqual(only(wasmFields, cliFields), [], 'fields only the module writes');
  });

  test('a video: the people and the verdict have the same fields', () => {
    const clip = join(makeFixtures(), 'group.webm');
    const frames = mkdtempSync(join(tmpdir(), 'posecheck-schema-'));
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', clip, '-vf', 'fps=2', join(frames, '%03d.png')]);
    const cliFields = fieldPaths(native(['--fps', '2', clip]));
    e.beginVideo();
    readdirSync(frames).sort().forEach((f, i) => {
      const px = decodeNative(join(frames, f));
      e.checkVideoFrame(px.rgba, px.width, px.height, i);
    });
    const summary = e.endVideo();
    assert.ok(summary.people.length >= 2, 'the group clip has several people');
    const wasmFields = fieldPaths(summary);
    // Each frame's own result (.frames[]) is an image result, compared above.
    assert.deepEqual(only(cliFields, wasmFields).filter((k) => !within(CLI_VIDEO_FIELDS, k)), [], 'fields only the CLI writes');
    assert.deepEqual(only(wasmFields, cliFields), [], 'fields only the module writes');
  });

  test('every field the module writes is declared in web/posecheck.d.ts', () => {
    const types = readFileSync(join(root, 'web/posecheck.d.ts'), 'utf8');
    const names = new Set();
    for (const path of photos) {
      const px = decodeNative(path);
      for (const p of fieldPaths(e.check(px.rgba, px.width, px.height))) names.add(p.split('.').pop().replace('[]', ''));
    }
    // A property (`name:` / `name?:`) or a key of a Record or Band type (`'name'`).
    const undeclared = [...names].filter((n) => !new RegExp(`\\b${n}\\??:|'${n}'`).test(types));
    assert.deepEqual(undeclared, [], 'result fields missing from posecheck.d.ts');
  });
});

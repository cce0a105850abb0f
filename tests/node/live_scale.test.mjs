// LiveDetectionScale (web/posecheck.js): the webcam's detection size follows
// the face seen last, and a face scanned at that size is still found.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LiveDetectionScale } from '../../web/posecheck.js';
import { decodeNative, demoDir, engine } from './helpers.mjs';

const face = (height) => ({ box: { left: 10, top: 10, right: 10 + height, bottom: 10 + height } });

describe('LiveDetectionScale', () => {
  test('full resolution until a face is seen, and again after a frame without one', () => {
    const s = new LiveDetectionScale();
    assert.deepEqual(s.options(640, 480), {});
    s.update({ faces: [face(193)] });
    assert.deepEqual(s.options(640, 480), { maxDetectionSide: Math.ceil((640 * 1.5 * 80) / 193) });
    s.update({ faces: [] });
    assert.deepEqual(s.options(640, 480), {});
  });

  test('keeps the smallest face findable, never goes under minSide, and leaves upsampling alone', () => {
    const s = new LiveDetectionScale({ minSide: 320 });
    s.update({ faces: [face(400), face(150)] });
    assert.equal(s.options(1280, 720).maxDetectionSide, Math.ceil((1280 * 120) / 150));
    s.update({ faces: [face(460)] });
    assert.equal(s.options(640, 480).maxDetectionSide, 320);
    assert.deepEqual(s.options(640, 480, { upsample: 1 }), { upsample: 1 });
    s.update({ faces: [face(73)] }); // a far face: scanning smaller would lose it
    assert.deepEqual(s.options(640, 480, { maxFaces: 4 }), { maxFaces: 4 });
    assert.deepEqual(s.options(300, 200), {}, 'frames no larger than minSide are never scaled');
  });

  test('a webcam-framed face is found at the suggested size, where it was at full resolution', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posecheck-live-'));
    const frame = join(dir, 'closeup.png');
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, 'sample2.jpg'),
      '-vf', 'crop=600:450:1237:79,scale=640:480', frame]);
    const px = decodeNative(frame);
    const e = await engine();
    try {
      const full = e.check(px.rgba, px.width, px.height);
      assert.equal(full.faces.length, 1);
      const s = new LiveDetectionScale();
      s.update(full);
      const opts = s.options(px.width, px.height);
      assert.ok(opts.maxDetectionSide < 640, `scaled detection expected, got ${JSON.stringify(opts)}`);
      const scaled = e.check(px.rgba, px.width, px.height, opts);
      assert.equal(scaled.faces.length, 1);
      const a = full.faces[0].box, b = scaled.faces[0].box;
      // Boxes from a smaller scan are coarser; the face is the same one.
      for (const k of ['left', 'top', 'right', 'bottom']) assert.ok(Math.abs(a[k] - b[k]) < 0.15 * (a.bottom - a.top), `${k}: ${a[k]} vs ${b[k]}`);
    } finally {
      e.close();
    }
  });
});

// Reading picture files for the checker (web/picture.js): the limits are the
// core's, and the size a picture is shrunk to keeps within them and keeps its
// proportions. Decoding itself needs a document: tests/browser/page.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fittedSize, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../../web/picture.js';
import { pictureNote } from '../../web/overlay.js';
import { root } from './helpers.mjs';

test('the limits are the core\'s (core/image_view.h)', () => {
  const header = readFileSync(join(root, 'core/image_view.h'), 'utf8');
  const constant = (name) => Number(new RegExp(`${name}\\s*=\\s*([\\d']+)`).exec(header)[1].replaceAll("'", ''));
  assert.equal(MAX_IMAGE_PIXELS, constant('kMaxImagePixels'));
  assert.equal(MAX_IMAGE_SIDE, constant('kMaxImageSide'));
});

test('pictures within the limits keep their size; larger ones are shrunk within them, proportions kept', () => {
  assert.deepEqual(fittedSize(640, 480), { width: 640, height: 480, scale: 1 });
  assert.deepEqual(fittedSize(MAX_IMAGE_SIDE, 100), { width: MAX_IMAGE_SIDE, height: 100, scale: 1 });
  for (const [w, h] of [[8000, 8000], [10000, 5000], [40000, 300], [300, 40000], [6325, 6325], [16385, 1]]) {
    const f = fittedSize(w, h);
    assert.ok(f.scale < 1, `${w}x${h}`);
    assert.ok(f.width * f.height <= MAX_IMAGE_PIXELS && Math.max(f.width, f.height) <= MAX_IMAGE_SIDE, `${w}x${h} -> ${f.width}x${f.height}`);
    assert.ok(f.width >= 1 && f.height >= 1);
    assert.ok(Math.abs(f.width / f.height - w / h) <= (w / h) * 0.01 + 1 / f.height, `${w}x${h} -> ${f.width}x${f.height}`);
    assert.ok(f.width * f.height > 0.99 * Math.min(MAX_IMAGE_PIXELS, w * h * (MAX_IMAGE_SIDE / Math.max(w, h)) ** 2), 'not shrunk more than needed');
  }
  assert.deepEqual(fittedSize(8000, 8000), { width: 6324, height: 6324, scale: 6324 / 8000 });
});

test('the note says what was checked when a picture was shrunk or read as shown, and nothing otherwise', () => {
  const result = { width: 6324, height: 6324 };
  assert.equal(pictureNote(result, null), null);
  assert.equal(pictureNote(result, { original: { width: 6324, height: 6324 }, scale: 1, asShown: false }), null);
  assert.match(pictureNote(result, { original: { width: 8000, height: 8000 }, scale: 0.79, asShown: false }),
    /^Checked at 6324×6324 px, shrunk from 8000×8000 px \(over the checker's limit of 40 megapixels and 16384 px a side/);
  assert.match(pictureNote(result, { original: { width: 400, height: 300 }, scale: 1, asShown: true }), /as the browser shows it\.$/);
});

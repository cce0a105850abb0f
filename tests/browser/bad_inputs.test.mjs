// The checker page in Chromium on the generated bad-input corpus
// (tests/corpus/make_bad_inputs.mjs): every image and video file is dropped
// onto the page, one at a time; each must end within 10 s in an error card or
// a verdict, with no uncaught page error, and the page must still check the
// control photo afterwards.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { makeBadInputs } from '../corpus/make_bad_inputs.mjs';
import { root } from '../node/helpers.mjs';
import { CHROMIUM, launch, openChecker } from './browser.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;
const PER_ITEM_MS = 10000;

describe('checker page on bad inputs', { skip }, () => {
  let server, origin, browser, page, corpus;
  const pageErrors = [];

  before(async () => {
    corpus = makeBadInputs(join(root, 'build/bad-inputs-browser'));
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('crash', () => pageErrors.push('page crashed'));
    await openChecker(page, origin);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  const MIME = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', webm: 'video/webm', mp4: 'video/mp4' };

  async function drop(name, bytes) {
    await page.evaluate(({ name, data, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
      document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    }, { name, data: bytes.toString('base64'), type: MIME[name.split('.').pop()] ?? '' });
  }

  const outcome = (name) => page.evaluate((n) => {
    const c = [...document.querySelectorAll('article.card')].find((a) => a.querySelector('h2.name').textContent === n);
    return c ? { verdict: c.dataset.verdict, error: c.querySelector('.error')?.textContent ?? '' } : null;
  }, name);

  test('every image and video ends in an error card or a verdict within 10 s', { timeout: 900000 }, async () => {
    const files = corpus.items.filter((i) => i.kind === 'image' || i.kind === 'video');
    const failures = [];
    const times = [];
    for (const item of files) {
      const t0 = Date.now();
      await drop(item.name, readFileSync(join(corpus.dir, item.name)));
      try {
        await page.waitForFunction((n) => [...document.querySelectorAll('article.card')].some((c) =>
          c.querySelector('h2.name').textContent === n && c.dataset.verdict && c.dataset.verdict !== 'pending'), item.name,
        { timeout: PER_ITEM_MS });
      } catch {
        failures.push(`${item.name} (${item.note}): no verdict or error within ${PER_ITEM_MS / 1000} s`);
        await page.waitForFunction(() => [...document.querySelectorAll('article.card')].every((c) => c.dataset.verdict !== 'pending'),
          null, { timeout: 120000 }).catch(() => {});
        continue;
      }
      times.push(Date.now() - t0);
      const o = await outcome(item.name);
      if (o.verdict === 'error' && !/\w{4,}/.test(o.error)) failures.push(`${item.name}: error card without a message`);
      if (item.expect === 'error' && o.verdict !== 'error') failures.push(`${item.name} (${item.note}): expected an error card, got ${o.verdict}`);
      item.outcome = o.verdict === 'error' ? `error (${o.error.slice(0, 100)})` : o.verdict;
    }
    console.log(`${files.length} files, slowest ${Math.max(...times)} ms, median ${times.sort((a, b) => a - b)[times.length >> 1]} ms`);
    if (process.env.POSECHECK_VERBOSE) for (const i of files) console.log(`${i.name}: ${i.outcome}`);
    assert.deepEqual(failures, []);
    assert.deepEqual(pageErrors, []);
  });

  test('the page still checks the control photo afterwards', async () => {
    await drop('control-again.jpg', readFileSync(join(corpus.dir, 'ok-face.jpg')));
    await page.waitForFunction(() => [...document.querySelectorAll('article.card')].some((c) =>
      c.querySelector('h2.name').textContent === 'control-again.jpg' && c.dataset.verdict !== 'pending'), null, { timeout: 60000 });
    const o = await outcome('control-again.jpg');
    assert.notEqual(o.verdict, 'error', o.error);
    assert.notEqual(o.verdict, 'no_face');
  });
});

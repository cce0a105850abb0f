// Photos dropped together are checked side by side on a pool of workers
// (issue 16, "use the cores"): the pool is as large as the page says it
// should be, every helper gives the page's own checker's results, and the
// exports and the overview keep the order the files were given in.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM, launch, openChecker } from './browser.mjs';
import { makeFixtures } from './fixtures.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;

describe('photos checked side by side', { skip }, () => {
  let server, origin, browser, page, fixtures;

  before(async () => {
    fixtures = makeFixtures();
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await openChecker(page, origin);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  test('a drop of photos uses every worker, gives each photo the same result, and lists them in the order given', async () => {
    // The large group photo first: it finishes after the small ones behind it when they run side by side.
    const names = ['group.jpg', 'face.jpg', 'noface.png', 'small-face.jpg', 'face.jpg', 'group.jpg'];
    await page.evaluate((list) => {
      const dt = new DataTransfer();
      for (const { name, data } of list) {
        dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
      }
      document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    }, names.map((n) => ({ name: n, data: readFileSync(join(fixtures, n)).toString('base64') })));
    await page.waitForFunction((n) => document.querySelectorAll('article.card').length === n &&
      [...document.querySelectorAll('article.card')].every((c) => c.dataset.verdict && c.dataset.verdict !== 'pending'), names.length, { timeout: 300000 });

    // As many workers as the page's rule gives on this machine (cores, memory, at most 4).
    const { workers, expected, cores } = await page.evaluate(() => ({
      workers: Number(document.body.dataset.workers),
      cores: navigator.hardwareConcurrency,
      expected: Math.max(1, Math.min(navigator.hardwareConcurrency || 1, navigator.deviceMemory ? Math.max(1, Math.floor(navigator.deviceMemory / 2)) : 4, 4)),
    }));
    assert.equal(workers, expected, `${cores} cores`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const results = JSON.parse(readFileSync(await download.path(), 'utf8')).results;
    assert.deepEqual(results.map((r) => r.file), names, 'exports in the order given');
    const overview = await page.locator('#overview tbody tr a').allTextContents();
    assert.deepEqual(overview, names, 'the overview in the order given');
    // The same photo gives the same result on whichever worker checked it.
    for (const [a, b] of [[1, 4], [0, 5]]) {
      assert.equal(results[a].faces.length, results[b].faces.length, names[a]);
      assert.ok(results[a].faces.length > 0, `${names[a]}: faces`);
      assert.equal(results[a].score, results[b].score, `${names[a]}: score`);
      results[a].faces.forEach((f, k) => assert.deepEqual(f.landmarks, results[b].faces[k].landmarks, `${names[a]} face ${k}`));
    }
  });
});

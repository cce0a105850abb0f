// The extension's speed as a user meets it (issue 15's goals), in Debian's
// Chromium with the unpacked extension: a page on one local origin showing
// six 512x384 face photos from another.
//   cold: a fresh browser profile, the popup's scan (background.js scanTab):
//     how long until the first badge shows a result (this includes starting
//     the offscreen document and loading the models), and until the last;
//   warm: the context-menu check of six other 512x384 photos (other bytes,
//     so no result is reused), one at a time: the median time per check.
// Prints figures; asserts nothing (the machines are shared and noisy).
// usage: npm run bench:extension
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildExtension, outDir } from './build-extension.mjs';
import { BASE_ARGS, CHROMIUM } from '../tests/browser/browser.mjs';
import { fixtureDir, makeFixtures } from '../tests/browser/fixtures.mjs';
import { demoDir } from '../tests/node/helpers.mjs';
import { median } from './stats.mjs';

makeFixtures();
buildExtension({ zip: false, log: () => {} });
// Six photos at 512x384 (the face-api demo photos, cropped to 4:3), twice with different JPEG quality: cold and warm sets.
const files = {};
for (let i = 1; i <= 6; i++) {
  for (const [set, q] of [['cold', 3], ['warm', 5]]) {
    const out = join(fixtureDir, `bench-ext-${set}-${i}.jpg`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(demoDir, `sample${i}.jpg`), '-vf',
      'scale=512:384:force_original_aspect_ratio=increase,crop=512:384', '-q:v', String(q), out]);
    files[`/${set}-${i}.jpg`] = readFileSync(out);
  }
}
const serve = (routes) => new Promise((resolve) => {
  const server = createServer((req, res) => {
    const body = routes[new URL(req.url, 'http://x').pathname];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': req.url.endsWith('.html') ? 'text/html' : 'image/jpeg', 'Content-Length': body.length }).end(body);
  });
  server.listen(0, '127.0.0.1', () => resolve(server));
});
const images = await serve(files);
const imageOrigin = `http://localhost:${images.address().port}`;
const html = `<!doctype html><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,">` +
  [1, 2, 3, 4, 5, 6].map((i) => `<img src="${imageOrigin}/cold-${i}.jpg" width="256" height="192">`).join('');
const pages = await serve({ '/index.html': Buffer.from(html) });
const pageUrl = `http://127.0.0.1:${pages.address().port}/index.html`;

const profile = mkdtempSync(join(tmpdir(), 'posecheck-bench-ext-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
  args: [...BASE_ARGS, `--disable-extensions-except=${outDir}`, `--load-extension=${outDir}`,
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
});
const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
const page = context.pages()[0] ?? await context.newPage();
await page.goto(pageUrl);
await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
const tab = await worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, pageUrl);

const cold = await worker.evaluate((t) => self.posecheck.scanTab(t), tab);
const warm = [];
for (let i = 1; i <= 6; i++) {
  warm.push(await worker.evaluate(async ({ t, src }) => {
    const start = performance.now();
    const s = await self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: 0 }, { id: t });
    if (s.error) throw new Error(s.error.message);
    return performance.now() - start;
  }, { t: tab, src: `${imageOrigin}/warm-${i}.jpg` }));
}
await context.close();
for (const s of [images, pages]) s.close();
rmSync(profile, { recursive: true, force: true });

console.log('posecheck extension in Chromium (headless), six 512x384 photos:');
console.log(`  cold scan (fresh profile, popup's scan): first badge ${cold.resultMs[0]} ms (goal <= 1500 ms), all ${cold.checked} in ` +
  `${cold.resultMs.at(-1)} ms; faces ${cold.faces}, errors ${cold.errors}`);
console.log(`  warm checks (context menu, other bytes): median ${median(warm).toFixed(0)} ms per photo (goal <= 300 ms); ` +
  `each: ${warm.map((m) => m.toFixed(0)).join(', ')} ms`);

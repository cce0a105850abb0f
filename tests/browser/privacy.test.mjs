// Privacy: the page and the extension, with every feature used, leave no
// trace and reach no other origin. Adds to page.test.mjs / extension.test.mjs
// (which record requests): the CSP's sources are only the page's own origin
// (and blob:/data:/mediastream: for local media), and is enforced (a fetch and
// an image from another local origin are blocked before any request); nothing
// is written to localStorage, sessionStorage, IndexedDB or cookies; Cache
// Storage holds only the page's own app and model URLs; the extension stores
// nothing in its origin and asks for no storage permission.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { buildExtension, outDir } from '../../scripts/build-extension.mjs';
import { root } from '../node/helpers.mjs';
import { BASE_ARGS, CHROMIUM, launch, watchRequests } from './browser.mjs';
import { makeFixtures } from './fixtures.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;

/** A server on another local origin that records whether anything reached it. */
function bystander(files = {}) {
  const log = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const body = files[req.url];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': req.url.endsWith('.png') ? 'image/png' : 'image/jpeg' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, log, origin: `http://127.0.0.1:${server.address().port}` })));
}

/** Everything the origin of `page` keeps: Web Storage, IndexedDB, cookies, Cache Storage. */
const storageOf = (page) => page.evaluate(async () => {
  const caches_ = {};
  for (const k of await caches.keys()) caches_[k] = (await (await caches.open(k)).keys()).map((r) => r.url);
  return {
    localStorage: Object.keys(localStorage),
    sessionStorage: Object.keys(sessionStorage),
    indexedDB: (await indexedDB.databases()).map((d) => d.name),
    cookie: document.cookie,
    caches: caches_,
  };
});

/** Parses a CSP into { directive: [sources] }. */
const parseCsp = (csp) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
const LOCAL_SOURCES = new Set(["'self'", "'none'", "'wasm-unsafe-eval'", 'blob:', 'data:', 'mediastream:']);

describe('privacy: the page', { skip }, () => {
  let server, origin, browser, context, page, watch, fixtures, other;

  before(async () => {
    fixtures = makeFixtures();
    other = await bystander({ '/face.jpg': readFileSync(join(fixtures, 'face.jpg')) });
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${join(fixtures, 'webcam.y4m')}`]);
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['camera'], { origin });
    watch = watchRequests(context);
    page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120000 });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    other?.server.close();
  });

  test('every feature: photos, a video, the webcam, both exports', { timeout: 600000 }, async () => {
    await page.setInputFiles('#file-input', ['face.jpg', 'noface.png', 'corrupt.jpg', 'clip.webm'].map((n) => join(fixtures, n)));
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 4 &&
      [...document.querySelectorAll('article.card')].every((c) => c.dataset.verdict && c.dataset.verdict !== 'pending'), null, { timeout: 300000 });
    await page.click('#webcam-toggle');
    await page.waitForFunction(() => Number(document.body.dataset.webcamFrames ?? 0) >= 3, null, { timeout: 120000 });
    await page.click('#webcam-toggle');
    for (const b of ['#export-json', '#export-csv']) await Promise.all([page.waitForEvent('download'), page.click(b)]);
    await page.evaluate(() => navigator.serviceWorker.ready);
  });

  test('nothing is stored but the cached app and models of this origin', async () => {
    const s = await storageOf(page);
    assert.deepEqual([s.localStorage, s.sessionStorage, s.indexedDB, s.cookie], [[], [], [], '']);
    assert.deepEqual(await context.cookies(), []);
    const urls = Object.values(s.caches).flat();
    assert.ok(urls.length > 0, 'the service worker cached the app');
    const allowed = /^\/(|index\.html|style\.css|app\.js|overlay\.js|timeline\.js|video_frames\.js|mp4_frames\.js|picture\.js|vendor\/uPlot\.(iife\.min\.js|min\.css)|vendor\/mp4box\/[\w.-]+\.mjs|posecheck\.js|engine\.js|worker\.js|manifest\.webmanifest|favicon\.svg|sw\.js|dist\/build-id\.js|dist\/posecheck\.(mjs|wasm)|dist\/models\/[\w.-]+\.(dat|pclm|txt))$/;
    assert.deepEqual(urls.filter((u) => !u.startsWith(`${origin}/`) || !allowed.test(new URL(u).pathname)), []);
  });

  test('the CSP (header and meta) allows no other origin', async () => {
    const header = (await page.request.get(`${origin}/`)).headers()['content-security-policy'];
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    for (const csp of [header, meta]) {
      assert.ok(csp, 'a CSP is set');
      const d = parseCsp(csp);
      assert.deepEqual(d['default-src'], ["'self'"]);
      assert.deepEqual(d['connect-src'], ["'self'"]);
      for (const [name, sources] of Object.entries(d)) {
        for (const src of sources) assert.ok(LOCAL_SOURCES.has(src), `${name} allows ${src}`);
      }
    }
  });

  test('no request left the page origin while the features ran', () => {
    assert.deepEqual(watch.foreign([origin]).map((r) => r.url), []);
    assert.deepEqual(watch.withBody().map((r) => `${r.method} ${r.url}`), []);
  });

  test('the CSP is enforced: a fetch, an image and a worker from another origin are blocked before any request', async () => {
    const blocked = await page.evaluate(async (o) => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const fetched = await fetch(`${o}/face.jpg`).then(() => 'loaded', () => 'blocked');
      const img = await new Promise((resolve) => {
        const i = new Image();
        i.onload = () => resolve('loaded');
        i.onerror = () => resolve('blocked');
        i.src = `${o}/face.jpg`;
      });
      let worker = 'blocked';
      try { new Worker(`${o}/w.js`); worker = 'created'; } catch { /* blocked */ }
      await new Promise((r) => setTimeout(r, 300));
      return { fetched, img, worker, violations };
    }, other.origin);
    assert.equal(blocked.fetched, 'blocked');
    assert.equal(blocked.img, 'blocked');
    assert.equal(blocked.worker, 'blocked');
    assert.ok(blocked.violations.includes('connect-src') && blocked.violations.includes('img-src'), JSON.stringify(blocked.violations));
    assert.deepEqual(other.log, [], 'the other origin received no request');
  });
});

describe('privacy: the extension', { skip: skip || (!existsSync(join(root, 'web/dist/posecheck.wasm')) && 'needs web/dist (npm run build)') }, () => {
  let context, worker, userDataDir, images, pageServer, extensionId;

  before(async () => {
    const fixtures = makeFixtures();
    buildExtension({ zip: false, log: () => {} });
    images = await bystander({ '/face.jpg': readFileSync(join(fixtures, 'face.jpg')) });
    const html = `<!doctype html><meta charset="utf-8"><title>privacy</title><img src="${images.origin}/face.jpg" width="480">`;
    pageServer = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
    await new Promise((r) => pageServer.listen(0, 'localhost', r));
    userDataDir = mkdtempSync(join(tmpdir(), 'posecheck-privacy-'));
    context = await chromium.launchPersistentContext(join(userDataDir, 'profile'), {
      executablePath: CHROMIUM, headless: true,
      args: [...BASE_ARGS, `--disable-extensions-except=${outDir}`, `--load-extension=${outDir}`,
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
    });
    [worker] = context.serviceWorkers();
    worker ??= await context.waitForEvent('serviceworker', { timeout: 30000 });
    extensionId = new URL(worker.url()).host;
  });

  after(async () => {
    await context?.close();
    images?.server.close();
    pageServer?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test('after a check, the extension has stored nothing and the image origin got no cookie', { timeout: 300000 }, async () => {
    const page = await context.newPage();
    const pageUrl = `http://localhost:${pageServer.address().port}/`;
    await page.goto(pageUrl);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    const tab = await worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, pageUrl);
    const summary = await worker.evaluate(({ tab, src }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: 0 }, { id: tab }), { tab, src: `${images.origin}/face.jpg` });
    assert.ok(!summary.error && summary.faces_found >= 1, JSON.stringify(summary));
    // The extension's origin, seen from one of its pages.
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    const s = await storageOf(popup);
    assert.deepEqual([s.localStorage, s.sessionStorage, s.indexedDB, s.cookie], [[], [], [], '']);
    const cached = Object.values(s.caches).flat();
    assert.deepEqual(cached.filter((u) => !u.startsWith(`chrome-extension://${extensionId}/`)), []);
    assert.equal(await worker.evaluate(() => typeof chrome.storage), 'undefined', 'no storage permission, no chrome.storage');
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(images.log.filter((l) => !/^GET \/face\.jpg$/.test(l)), []);
    // The test page's origin holds nothing either (the content script stores nothing there).
    const pageStore = await storageOf(page);
    assert.deepEqual([pageStore.localStorage, pageStore.sessionStorage, pageStore.indexedDB], [[], [], []]);
    assert.deepEqual(Object.values(pageStore.caches).flat(), []);
  });

  test('the extension CSP loads code only from the extension itself', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'extension/manifest.json'), 'utf8'));
    const d = parseCsp(manifest.content_security_policy.extension_pages);
    assert.deepEqual(d['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
    for (const [name, sources] of Object.entries(d)) {
      for (const src of sources) assert.ok(LOCAL_SOURCES.has(src), `${name} allows ${src}`);
    }
    assert.ok(!manifest.permissions.some((p) => /storage|cookies|unlimitedStorage|webRequest/.test(p)), JSON.stringify(manifest.permissions));
  });
});

// The browser extension (Manifest V3) in real Chromium, unpacked from
// build/extension: a page on one local origin shows images from another
// (cross-origin, no CORS headers); the context-menu handler and the popup's
// scan check them in the offscreen document. Asserts the badges, the panel
// (overlay, numbers, limits), and that no request goes anywhere but the two
// local origins (Chromium's own net log, which sees every context, including
// the offscreen document). Also: every permission the manifest asks for is
// used by the code. Screenshots go to build/test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildExtension, MAX_EXTENSION_BYTES, outDir, treeBytes } from '../../scripts/build-extension.mjs';
import { root } from '../node/helpers.mjs';
import { BASE_ARGS, CHROMIUM, landmarkColours } from './browser.mjs';
import { artifactDir, makeFixtures } from './fixtures.mjs';

const haveDist = existsSync(join(root, 'web/dist/posecheck.wasm')) && existsSync(join(root, 'web/dist/models'));
const skip = !existsSync(CHROMIUM) ? `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)` :
  !haveDist ? 'needs web/dist (npm run build)' : false;

const BANDS = ['little_evidence', 'uncertain', 'substantial_evidence', 'not_scored', 'cannot_judge'];

/** A static file server that records what it is asked for. */
function serve(files, headers = {}) {
  const log = [];
  const server = createServer((req, res) => {
    log.push({ method: req.method, url: req.url, length: Number(req.headers['content-length'] ?? 0), cookie: req.headers.cookie ?? null });
    const body = files[new URL(req.url, 'http://x').pathname];
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) return res.writeHead(404).end();
    const type = { '.html': 'text/html; charset=utf-8', '.jpg': 'image/jpeg', '.png': 'image/png', '.webm': 'video/webm',
      '.svg': 'image/svg+xml' }[extname(new URL(req.url, 'http://x').pathname)] ??
      'text/plain';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, ...headers }).end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, log, port: server.address().port })));
}

/** Text and state of the badges, read through closed shadow roots (CDP's pierce). */
async function badges(context, page) {
  const cdp = await context.newCDPSession(page);
  const { root: doc } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  await cdp.detach();
  const out = [];
  const walk = (node) => {
    const attrs = Object.fromEntries((node.attributes ?? []).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v, all[i + 1]]]), []));
    if (node.nodeName === 'BUTTON' && attrs.class === 'badge') {
      const style = attrs.style ?? '';
      const at = (k) => Number(new RegExp(`(?:^|;)\\s*${k}:\\s*(-?[\\d.]+)px`).exec(style)?.[1] ?? NaN);
      out.push({ state: attrs['data-state'], text: (node.children ?? []).map((c) => c.nodeValue ?? '').join(''),
        left: at('left'), top: at('top'), shown: !/display:\s*none/.test(style) });
    }
    for (const c of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) walk(c);
  };
  walk(doc);
  return out;
}

describe('browser extension', { skip }, () => {
  let images, pages, context, page, worker, userDataDir, netLog, pageUrl, imageOrigin, pageOrigin, extensionId;

  before(async () => {
    const fixtures = makeFixtures();
    buildExtension({ zip: false, log: () => {} });
    // A gallery (on the image origin) framing a page of the other origin, a CSS background, an SVG and a picture over the pixel limit.
    const gallery = (frameOrigin) => `<!doctype html><meta charset="utf-8"><title>gallery</title><link rel="icon" href="data:,">
      <iframe id="frame" src="${frameOrigin}/frame.html" width="460" height="420"></iframe>
      <div id="bg" style="width: 400px; height: 285px; background: url(/face.jpg?bg) center / cover"></div>
      <img id="svg" src="/drawing.svg" width="300" alt="a drawing"> <img id="huge" src="/huge.jpg" width="400" alt="huge">
      <img id="cut" src="/cut-short.jpg" width="300" alt="cut short">`;
    const files = { '/face.jpg': readFileSync(join(fixtures, 'face.jpg')), '/noface.png': readFileSync(join(fixtures, 'noface.png')),
      '/group.webm': readFileSync(join(fixtures, 'group.webm')), '/drawing.svg': readFileSync(join(fixtures, 'drawing.svg')),
      '/huge.jpg': readFileSync(join(fixtures, 'huge.jpg')), '/small-face.jpg': readFileSync(join(fixtures, 'small-face.jpg')),
      '/cut-short.jpg': readFileSync(join(fixtures, 'cut-short.jpg')) };
    images = await serve(files);
    imageOrigin = `http://localhost:${images.port}`; // a different origin from the page's: cross-origin images
    const html = `<!doctype html><meta charset="utf-8"><title>extension test</title>
      <h1>Pictures</h1>
      <img id="face" src="${imageOrigin}/face.jpg" width="480" alt="face">
      <img id="noface" src="${imageOrigin}/noface.png" width="320" alt="test pattern">
      <img id="thumb" src="${imageOrigin}/face.jpg" width="40" alt="too small to scan">
      <video id="group" src="${imageOrigin}/group.webm" width="480" muted></video>
      <div style="height: 1400px">(below the first screen: not in the popup's scan)</div>
      <div id="scroller" style="height: 160px; width: 520px; overflow: auto"><div style="height: 90px"></div>
        <img id="inner" src="${imageOrigin}/face.jpg?inner" width="300" alt="in a scrolled box"><div style="height: 400px"></div></div>
      <img id="missing" src="${imageOrigin}/missing.jpg" width="100" height="100" alt="gone">`;
    // A strict page CSP: the extension's badges and panel must not depend on the page allowing them.
    pages = await serve({ '/index.html': Buffer.from(html),
      '/frame.html': Buffer.from(`<!doctype html><meta charset="utf-8"><img id="framed" src="${imageOrigin}/face.jpg?framed" width="400" alt="framed">`) },
      { 'Content-Security-Policy': `default-src 'none'; img-src ${imageOrigin}; media-src ${imageOrigin}; style-src 'unsafe-inline'` });
    pageOrigin = `http://127.0.0.1:${pages.port}`;
    files['/gallery.html'] = Buffer.from(gallery(pageOrigin));
    pageUrl = `${pageOrigin}/index.html`;

    userDataDir = mkdtempSync(join(tmpdir(), 'posecheck-ext-'));
    netLog = join(userDataDir, 'netlog.json');
    context = await chromium.launchPersistentContext(join(userDataDir, 'profile'), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
      args: [...BASE_ARGS, `--disable-extensions-except=${outDir}`, `--load-extension=${outDir}`, `--log-net-log=${netLog}`,
        // Chromium's own services (updater, sign-in) resolve nowhere; the two test origins resolve.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
    });
    [worker] = context.serviceWorkers();
    worker ??= await context.waitForEvent('serviceworker', { timeout: 30000 });
    assert.match(worker.url(), /^chrome-extension:\/\/[a-p]{32}\/background\.js$/);
    extensionId = new URL(worker.url()).host;
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => [...document.images].filter((i) => i.id !== 'missing').every((i) => i.complete && i.naturalWidth > 0));
  });

  after(async () => {
    await context?.close();
    for (const s of [images, pages]) s?.server.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const inWorker = (fn, arg) => worker.evaluate(fn, arg);
  const tabId = () => inWorker(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, pageUrl);

  test('the context-menu entry checks a cross-origin face image: badge and panel', async () => {
    const id = await tabId();
    assert.ok(id, 'the test page is a tab the extension can see');
    const summary = await inWorker(async ({ tab, src }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: 0 }, { id: tab }), { tab: id, src: `${imageOrigin}/face.jpg` });
    assert.ok(!summary.error, JSON.stringify(summary.error));
    assert.ok(summary.faces_found >= 1, JSON.stringify(summary));
    assert.ok(BANDS.includes(summary.verdict), summary.verdict);

    // Both <img> showing face.jpg get the badge (the 40 px one too: the user asked about that URL).
    const shown = await badges(context, page);
    assert.equal(shown.length, 2, JSON.stringify(shown));
    for (const b of shown) {
      assert.equal(b.state, summary.verdict);
      if (summary.score !== null) assert.match(b.text, /^P\(fake\) \d+% · /);
      else assert.match(b.text, /face · not scored|cannot judge/);
    }

    // The panel: an extension page in an iframe, with the overlay, the numbers and the limits.
    let panel;
    await page.waitForFunction(() => true); // let the iframe attach
    for (let i = 0; i < 100 && !panel; i++) {
      panel = page.frames().find((f) => f.url().includes('/panel.html?id='));
      if (!panel) await page.waitForTimeout(100);
    }
    assert.ok(panel, 'the panel iframe opened');
    await panel.waitForFunction(() => document.body.dataset.state, null, { timeout: 30000 });
    assert.equal(await panel.evaluate(() => document.body.dataset.state), 'done', await panel.textContent('#error'));
    assert.match(await panel.textContent('#faces'), /Face 1: [^(]+\(P\(fake\) \d+%\) · .* · both cues combined: P\(fake\) \d+%/);
    assert.match(await panel.textContent('#meaning'), /Both cues combined, shown per face: log-odds = /);
    assert.match(await panel.textContent('#faces'), /Angle between the two head poses: [\d.]+°/);
    assert.match(await panel.textContent('#limits'), /Known limits\. This is weak evidence\. Measured on people the model never saw/);
    assert.match(await panel.textContent('#facts'), new RegExp(`960×\\d+ px from localhost:${images.port}`));
    const coloured = await panel.locator('#view').evaluate(landmarkColours);
    assert.ok(coloured.orange > 20 && coloured.blue > 20, `the overlay drew both landmark colours: ${JSON.stringify(coloured)}`);
    await page.screenshot({ path: join(artifactDir, 'extension-panel.png') });
  });

  test('the context-menu entry on a video checks its frames: one verdict per person, on its badge and in the panel', async () => {
    const src = `${imageOrigin}/group.webm`;
    const summary = await inWorker(async ({ tab, src: s }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.VIDEO_MENU_ID, srcUrl: s, frameId: 0 }, { id: tab }), { tab: await tabId(), src });
    assert.ok(!summary.error, JSON.stringify(summary.error));
    assert.equal(summary.kind, 'video');
    assert.ok(summary.frames_analysed >= 4, `2 s at 2 frames/s: ${JSON.stringify(summary)}`);
    assert.ok(summary.people >= 2, `the group photo's people, one entry each: ${JSON.stringify(summary)}`);
    assert.ok(BANDS.includes(summary.verdict), summary.verdict);
    assert.equal(typeof summary.score, 'number', 'the shipped models score the video');
    const videoBadge = (await badges(context, page)).find((b) => b.text.startsWith('video · '));
    assert.ok(videoBadge, JSON.stringify(await badges(context, page)));
    assert.equal(videoBadge.state, summary.verdict);
    assert.match(videoBadge.text, /^video · P\(fake\) \d+% · /);

    let panel;
    for (let i = 0; i < 100 && !panel; i++) {
      panel = page.frames().find((f) => f.url().includes(`/panel.html?id=${summary.id}`));
      if (!panel) await page.waitForTimeout(100);
    }
    assert.ok(panel, 'the panel opened on the video\'s result');
    await panel.waitForFunction(() => document.body.dataset.state, null, { timeout: 30000 });
    assert.equal(await panel.evaluate(() => document.body.dataset.state), 'done', await panel.textContent('#error'));
    assert.match(await panel.textContent('#verdict'), /^Video: .* · P\(fake\) \d+%$/);
    const people = await panel.locator('#people li').allTextContents();
    assert.equal(people.length, summary.people, JSON.stringify(people));
    assert.match(people[0], /^Person 1 · in \d+ of \d+ frames/);
    assert.match(await panel.textContent('#facts'),
      new RegExp(`^Video, 960×\\d+ px, 2\\.0 s from localhost:${images.port} · \\d+ of \\d+ sampled frames analysed · shown: the frame at `));
    assert.match(await panel.textContent('#faces'), /Face 1: /);
    const coloured = await panel.locator('#view').evaluate(landmarkColours);
    assert.ok(coloured.orange > 20 && coloured.blue > 20, `the shown frame has its overlay: ${JSON.stringify(coloured)}`);
    await page.screenshot({ path: join(artifactDir, 'extension-video-panel.png') });
  });

  test('"Check this frame" on a video checks the frame it shows now', async () => {
    // Played to about 1 s and paused there, as a user would stop at a frame (the test server does not serve ranges, so no seeking).
    const shownAt = await page.evaluate(async () => {
      const v = document.getElementById('group');
      await v.play();
      await new Promise((resolve) => { const tick = () => (v.currentTime >= 1 ? resolve() : requestAnimationFrame(tick)); tick(); });
      v.pause();
      return v.currentTime;
    });
    assert.ok(shownAt >= 1 && shownAt < 2, String(shownAt));
    const src = `${imageOrigin}/group.webm`;
    const summary = await inWorker(async ({ tab, src: s }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.FRAME_MENU_ID, srcUrl: s, frameId: 0 }, { id: tab }), { tab: await tabId(), src });
    assert.ok(!summary.error, JSON.stringify(summary.error));
    assert.equal(summary.kind, 'frame');
    assert.ok(Math.abs(summary.time - shownAt) < 0.01, `the frame the page shows (${shownAt} s): ${summary.time}`);
    assert.ok(summary.faces_found >= 2, JSON.stringify(summary));
    const badge = (await badges(context, page)).find((b) => b.text.startsWith('frame '));
    assert.match(badge?.text ?? '', new RegExp(`^frame ${shownAt.toFixed(1)} s · `), JSON.stringify(await badges(context, page)));
    let panel;
    for (let i = 0; i < 100 && !panel; i++) {
      panel = page.frames().find((f) => f.url().includes(`/panel.html?id=${summary.id}`));
      if (!panel) await page.waitForTimeout(100);
    }
    await panel.waitForFunction(() => document.body.dataset.state, null, { timeout: 30000 });
    assert.match(await panel.textContent('#facts'), new RegExp(`^The frame at ${shownAt.toFixed(1)} s of a video, 960×\\d+ px, .*one frame is weak evidence`));
  });

  test('a streamed (blob:) video gets a clear reason, not a crash', async () => {
    const summary = await inWorker(async ({ tab }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.VIDEO_MENU_ID, srcUrl: 'blob:http://127.0.0.1/stream', frameId: 0 }, { id: tab }),
    { tab: await tabId() });
    assert.match(summary.error?.message ?? '', /streamed from a blob: URL .* save the file and check it on the checker page/);
  });

  test('the extension ships the compact landmark model only and weighs at most 12 MB', () => {
    assert.ok(existsSync(join(outDir, 'lib/dist/models/landmarks68.pclm')));
    assert.ok(!existsSync(join(outDir, 'lib/dist/models/shape_predictor_68_face_landmarks.dat')), 'dlib\'s full model is not bundled');
    const bytes = treeBytes(outDir);
    console.log(`unpacked extension: ${(bytes / 1048576).toFixed(1)} MB`);
    assert.ok(bytes <= MAX_EXTENSION_BYTES, `${(bytes / 1048576).toFixed(1)} MB`);
  });

  test('the popup scan checks the visible images large enough for a face and the frame the video shows; a test pattern has no face', async () => {
    const counts = await inWorker((tab) => self.posecheck.scanTab(tab), await tabId());
    assert.equal(counts.images, 3, `face.jpg at 480 px, noface.png and the (played) video's frame; the 40 px thumbnail is skipped: ${JSON.stringify(counts)}`);
    assert.equal(counts.resultMs.length, 3);
    assert.ok((await badges(context, page)).some((b) => /^frame \d+\.\d s · /.test(b.text)), 'the video\'s frame has its badge');
    assert.equal(counts.errors, 0);
    assert.equal(counts.no_face, 1, JSON.stringify(counts));
    const states = (await badges(context, page)).map((b) => b.state);
    assert.ok(states.includes('no_face'), JSON.stringify(states));
    const noFace = (await badges(context, page)).find((b) => b.state === 'no_face');
    assert.equal(noFace.text, 'no face');
    await page.screenshot({ path: join(artifactDir, 'extension-badges.png') });
    // The same image was checked once: the face image was fetched by the extension once in all.
    const faceGets = images.log.filter((r) => r.url === '/face.jpg').length;
    assert.ok(faceGets <= 3, `face.jpg requested ${faceGets} times (page, extension, at most one revalidation)`);
  });

  test('the popup\'s button scans the active tab through the service worker', async () => {
    const popup = await context.newPage();
    const errors = [];
    popup.on('pageerror', (e) => errors.push(e.message));
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    assert.equal(await popup.textContent('#scan'), 'Check the visible images');
    await page.bringToFront(); // the test page is the active tab, as when the popup opens over it
    await popup.click('#scan');
    await popup.waitForFunction(() => !document.querySelector('#scan').disabled, null, { timeout: 60000 });
    const status = await popup.textContent('#status');
    await popup.close();
    assert.match(status, /^3 image\(s\) checked: .*1 no face/, status);
    assert.deepEqual(errors, []);
  });

  test('badges stay on their own picture: a banner inserted above, a scrolled box, swapped pictures, page CSS', async () => {
    const menu = (src) => inWorker(async ({ tab, s }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: s, frameId: 0 }, { id: tab }), { tab: id, s: src });
    const id = await tabId();
    const inner = await menu(`${imageOrigin}/face.jpg?inner`);
    assert.ok(!inner.error, JSON.stringify(inner));
    // Where each element's badge must be: 4 px inside its top-left corner (document coordinates).
    const expected = () => page.evaluate(() => Object.fromEntries(['face', 'noface', 'inner', 'thumb'].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return [id, { left: Math.round(r.left + scrollX + 4), top: Math.round(r.top + scrollY + 4) }];
    })));
    const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const on = (list, where) => list.filter((b) => b.shown && Math.abs(b.left - where.left) <= 1 && Math.abs(b.top - where.top) <= 1);
    const check = async (what) => {
      await settle();
      const [shown, at] = [await badges(context, page), await expected()];
      for (const el of ['face', 'noface', 'inner']) assert.equal(on(shown, at[el]).length, 1, `${what}: one badge on #${el}: ${JSON.stringify({ shown, at })}`);
      assert.equal(on(shown, at.noface)[0].text, 'no face', what);
      assert.match(on(shown, at.face)[0].text, /^P\(fake\) /, what);
      return { shown, at };
    };
    await check('as checked');
    await page.evaluate(() => { // a banner pushes everything down, with no scroll or resize event
      const b = document.createElement('div');
      b.id = 'banner';
      b.style.height = '137px';
      b.textContent = 'banner';
      document.body.prepend(b);
    });
    await check('after a banner was inserted above');
    await page.evaluate(() => { document.getElementById('scroller').scrollTop = 60; });
    await check('after scrolling inside the box');
    await page.evaluate(() => { // a hostile page: hide the badges with one rule
      const st = document.createElement('style');
      st.textContent = 'posecheck-overlay { display: none !important; visibility: hidden !important; opacity: 0 !important }';
      document.head.append(st);
    });
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('posecheck-overlay')).display), 'block');
    // Swap the pictures of #face and #noface: neither badge may stay, and the 40 px copy keeps its own.
    await page.evaluate(() => {
      const a = document.getElementById('face'), b = document.getElementById('noface');
      [a.src, b.src] = [b.src, a.src];
    });
    await page.waitForFunction(() => [...document.images].filter((i) => i.id !== 'missing').every((i) => i.complete));
    await settle();
    const [after, at] = [await badges(context, page), await expected()];
    assert.equal(on(after, at.face).length, 0, `#face shows another picture now: ${JSON.stringify(after)}`);
    assert.equal(on(after, at.noface).length, 0, `#noface shows another picture now: ${JSON.stringify(after)}`);
    assert.equal(on(after, at.thumb).length, 1, 'the 40 px copy of face.jpg keeps its badge');
    assert.ok(!after.some((b) => b.shown && b.text === 'no face'), 'the test pattern\'s result shows nowhere');
  });

  test('a picture that cannot be loaded: the badge says so and opens the reason', async () => {
    const id = await tabId();
    const summary = await inWorker(async ({ tab, s }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: s, frameId: 0 }, { id: tab }), { tab: id, s: `${imageOrigin}/missing.jpg` });
    assert.match(summary.error?.message ?? '', /HTTP 404/);
    const badge = (await badges(context, page)).find((b) => b.state === 'error');
    assert.ok(badge, 'an error badge');
    await page.evaluate((y) => window.scrollTo(0, Math.max(0, y - 200)), badge.top);
    const [sx, sy] = await page.evaluate(() => [scrollX, scrollY]);
    await page.mouse.click(badge.left - sx + 8, badge.top - sy + 6);
    let panel;
    for (let i = 0; i < 100 && !panel; i++) {
      panel = page.frames().find((f) => f.url().includes('/panel.html?error='));
      if (!panel) await page.waitForTimeout(100);
    }
    assert.ok(panel, 'the click opened the panel with the reason');
    await panel.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 10000 });
    assert.match(await panel.textContent('#error'), /posecheck could not check this: could not load the image \(HTTP 404\)/);
    assert.equal(await panel.textContent('#verdict'), 'Could not check');
    assert.equal(await panel.locator('#view').isVisible(), false, 'no empty canvas');
  });

  test('frames, CSS backgrounds, SVGs, pictures over the pixel limit, small faces; the panel opens on the page; expired results say so', { timeout: 300000 }, async () => {
    const gallery = await context.newPage();
    await gallery.goto(`${imageOrigin}/gallery.html`);
    const frame = () => gallery.frames().find((f) => f.url().endsWith('/frame.html'));
    await gallery.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    await frame().waitForFunction(() => document.images[0]?.complete && document.images[0].naturalWidth > 0);
    const tab = await inWorker(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, `${imageOrigin}/gallery.html`);
    const counts = await inWorker((t) => self.posecheck.scanTab(t), tab);
    // The framed image, the CSS background, the SVG, the 8000 x 5700 photo and the JPEG cut short (read as the page shows it); the page and its frame.
    assert.equal(counts.frames, 2, JSON.stringify(counts));
    assert.equal(counts.images, 5, JSON.stringify(counts));
    assert.equal(counts.errors, 0, JSON.stringify(counts));
    assert.equal(counts.no_face, 1, `the SVG has no face; it is read, not refused: ${JSON.stringify(counts)}`);
    const [framed] = await badges(context, frame());
    assert.match(framed?.text ?? '', /^P\(fake\) \d+% · /, 'the framed image has its badge, inside its frame');
    const top = await badges(context, gallery);
    assert.equal(top.length, 4, JSON.stringify(top));
    assert.equal(top.filter((b) => /^P\(fake\) \d+% · /.test(b.text)).length, 3,
      `the background, the huge photo and the JPEG cut short (its face is in the part that arrived): ${JSON.stringify(top)}`);
    // The menu on the framed image: the panel opens in the page, not inside the frame.
    const frameId = await inWorker(async (t) => (await chrome.scripting.executeScript({ target: { tabId: t, allFrames: true },
      func: () => location.pathname })).find((r) => r.result === '/frame.html').frameId, tab);
    const summary = await inWorker(async ({ t, f, src }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: f }, { id: t }),
    { t: tab, f: frameId, src: `${imageOrigin}/face.jpg?framed` });
    assert.ok(summary.id, JSON.stringify(summary));
    let panel;
    for (let i = 0; i < 100 && !panel; i++) {
      panel = gallery.frames().find((f) => f.url().includes(`/panel.html?id=${summary.id}`));
      if (!panel) await gallery.waitForTimeout(100);
    }
    assert.ok(panel, 'the panel opened');
    assert.equal(panel.parentFrame(), gallery.mainFrame(), 'the panel is the page\'s, not the small frame\'s');
    // The huge photo's panel says it was shrunk.
    const huge = await inWorker(async ({ t, src }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: 0 }, { id: t }), { t: tab, src: `${imageOrigin}/huge.jpg` });
    let hugePanel;
    for (let i = 0; i < 100 && !hugePanel; i++) {
      hugePanel = gallery.frames().find((f) => f.url().includes(`/panel.html?id=${huge.id}`));
      if (!hugePanel) await gallery.waitForTimeout(100);
    }
    await hugePanel.waitForFunction(() => document.body.dataset.state, null, { timeout: 30000 });
    assert.match(await hugePanel.textContent('#faces'), /Face 1: .*Checked at 7492×5338 px, shrunk from 8000×5700 px/);
    // A small picture: no face at the detector's scale, so it looks again at twice the size; the face found is too small to judge.
    const small = await inWorker(async ({ t, src }) =>
      self.posecheck.onMenuClicked({ menuItemId: self.posecheck.MENU_ID, srcUrl: src, frameId: 0 }, { id: t }), { t: tab, src: `${imageOrigin}/small-face.jpg` });
    assert.equal(small.faces_found, 1, JSON.stringify(small));
    assert.equal(small.verdict, 'cannot_judge');
    let smallPanel;
    for (let i = 0; i < 100 && !smallPanel; i++) {
      smallPanel = gallery.frames().find((f) => f.url().includes(`/panel.html?id=${small.id}`));
      if (!smallPanel) await gallery.waitForTimeout(100);
    }
    await smallPanel.waitForFunction(() => document.body.dataset.state, null, { timeout: 30000 });
    assert.match(await smallPanel.textContent('#faces'), /face too small \(\d+ px wide, need 40\)/);
    // A result the extension no longer holds: its badges stop showing a verdict.
    await inWorker((ids) => self.posecheck.broadcastExpired(ids), [summary.id]);
    await frame().waitForTimeout(200);
    const [expired] = await badges(context, frame());
    assert.equal(expired.state, 'expired');
    assert.equal(expired.text, 'posecheck: result expired');
    await gallery.screenshot({ path: join(artifactDir, 'extension-gallery.png') });
    await gallery.close();
  });

  test('nothing leaves the two local origins; the image server got plain GETs without cookies', async () => {
    await context.close(); // writes the net log
    context = null;
    // Every request any context made (pages, service worker, offscreen document, the browser itself).
    const log = JSON.parse(readFileSync(netLog, 'utf8'));
    const START = log.constants.logEventTypes.URL_REQUEST_START_JOB;
    const requests = log.events.filter((e) => e.type === START && e.params?.url).map((e) => e.params);
    const extensionOrigin = `chrome-extension://${extensionId}`;
    const local = (u) => u.startsWith(`${imageOrigin}/`) || u.startsWith(`${pageOrigin}/`) || /^(chrome-extension|data|blob):/.test(u);
    const fromExtension = requests.filter((r) => r.initiator === extensionOrigin);
    assert.ok(fromExtension.some((r) => r.url === `${imageOrigin}/face.jpg`), 'the extension fetched the image itself');
    const ours = requests.filter((r) => [extensionOrigin, pageOrigin, imageOrigin].includes(r.initiator));
    assert.deepEqual(ours.filter((r) => !local(r.url)).map((r) => `${r.initiator} -> ${r.url}`), []);
    assert.deepEqual(fromExtension.filter((r) => r.method !== 'GET').map((r) => r.url), []);
    // What remains is Chromium's own (its updater, its sign-in check): no origin, never a page's or the extension's.
    const other = requests.filter((r) => !ours.includes(r) && !local(r.url));
    for (const r of other) {
      assert.equal(r.initiator, 'not an origin', JSON.stringify(r));
      assert.ok(!r.url.includes(String(images.port)) && !r.url.includes(extensionId), JSON.stringify(r));
    }
    if (other.length) console.log(`Chromium's own requests (not the extension's; blackholed in this test): ${[...new Set(other.map((r) => new URL(r.url).host))].join(', ')}`);
    for (const r of [...images.log, ...pages.log]) {
      assert.equal(r.method, 'GET', JSON.stringify(r));
      assert.equal(r.length, 0, JSON.stringify(r));
      assert.equal(r.cookie, null, JSON.stringify(r));
    }
    assert.deepEqual(new Set(images.log.map((r) => r.url)), new Set(['/face.jpg', '/noface.png', '/group.webm', '/face.jpg?inner', '/missing.jpg',
      '/gallery.html', '/face.jpg?bg', '/drawing.svg', '/huge.jpg', '/face.jpg?framed', '/small-face.jpg', '/cut-short.jpg']));
  });
});

describe('extension manifest', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'extension/manifest.json'), 'utf8'));
  const sources = ['background.js', 'offscreen.js', 'content.js', 'popup.js', 'panel.js']
    .map((f) => readFileSync(join(root, 'extension', f), 'utf8')).join('\n');

  test('every permission asked for is used by the code, and no API is used without its permission', () => {
    const uses = { contextMenus: /chrome\.contextMenus\.\w+/, offscreen: /chrome\.offscreen\.\w+/, scripting: /chrome\.scripting\.\w+/ };
    for (const p of manifest.permissions) {
      assert.ok(uses[p], `permission "${p}" has no known use; map it to the code that needs it`);
      assert.match(sources, uses[p], `permission "${p}" is not used`);
    }
    const needsPermission = ['storage', 'tabs.executeScript', 'alarms', 'downloads', 'cookies', 'webRequest', 'history', 'sidePanel',
      'declarativeNetRequest', 'identity', 'notifications', 'management', 'debugger', 'webNavigation', 'bookmarks', 'topSites'];
    for (const api of needsPermission) assert.doesNotMatch(sources, new RegExp(`chrome\\.${api.replace('.', '\\.')}\\b`), api);
    for (const api of new Set([...sources.matchAll(/chrome\.(\w+)\./g)].map((m) => m[1]))) {
      assert.ok(['runtime', 'tabs', ...manifest.permissions].includes(api), `chrome.${api} is used without being accounted for`);
    }
    // <all_urls>: injecting content.js into the tab and fetching the image from its own site in the offscreen document.
    assert.deepEqual(manifest.host_permissions, ['<all_urls>']);
    assert.match(readFileSync(join(root, 'extension/offscreen.js'), 'utf8'), /fetch\(url, \{ credentials: 'omit'/);
    assert.equal(manifest.content_scripts, undefined, 'content.js is injected on demand, never into every page');
    assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
    assert.equal(manifest.manifest_version, 3);
  });

  test('the offscreen document is created with a reason the code needs (WORKERS: the checker runs in a module worker)', () => {
    assert.match(sources, /reasons: \['WORKERS'\]/);
    assert.match(readFileSync(join(root, 'web/posecheck.js'), 'utf8'), /new Worker\(workerUrl, \{ type: 'module' \}\)/);
  });
});

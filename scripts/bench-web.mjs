// `npm run bench:web`: the checker in Chromium (Playwright, Debian's browser).
// Prints per-photo latency at 640x480, webcam frames per second (fake camera
// fed a face), cold start to first verdict with cached models, and the same
// photos through @vladmandic/face-api (detection + 68 landmarks) in the same
// browser session. Goals: <= 80 ms per photo, >= 25 fps, cold start <= 1.5 s.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './serve.mjs';
import { launch } from '../tests/browser/browser.mjs';
import { makeFixtures } from '../tests/browser/fixtures.mjs';
import { demoDir, root } from '../tests/node/helpers.mjs';

const repeat = Number(process.argv[2] ?? 10);
const fixtures = makeFixtures();
const server = await startServer({ port: 0, webRoot: root });
const origin = `http://localhost:${server.address().port}`;
const browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${join(fixtures, 'webcam-closeup.y4m')}`]);
const context = await browser.newContext();
await context.grantPermissions(['camera'], { origin });
const page = await context.newPage();
const photos = readdirSync(demoDir).filter((f) => /^sample\d\.jpg$/.test(f)).sort().map((f) => `/node_modules/@vladmandic/face-api/demo/${f}`);

await page.goto(`${origin}/bench/web-bench.html`);
await page.waitForFunction(() => window.benchReady);
const ours = await page.evaluate(([u, r]) => window.runPosecheck(u, r), [photos, repeat]);
const camFull = await page.evaluate((s) => window.runWebcam(s, false), 10);
const cam = await page.evaluate((s) => window.runWebcam(s, true), 10);
let peer;
try {
  peer = await page.evaluate(([u, r]) => window.runFaceApi(u, r), [photos, repeat]);
} catch (e) {
  peer = { error: e.message.split('\n')[0] };
}

// Cold start with cached models: the real page, second visit (service worker cache).
const app = await context.newPage();
await app.goto(`${origin}/web/`);
await app.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120000 });
await app.evaluate(() => navigator.serviceWorker.ready);
const cold = [];
for (let i = 0; i < 3; i++) {
  await app.reload();
  await app.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120000 });
  const started = Date.now();
  await app.setInputFiles('#file-input', join(fixtures, 'face.jpg'));
  await app.waitForFunction(() => document.querySelector('article.card')?.dataset.verdict !== 'pending', null, { timeout: 120000 });
  const loadMs = Number(await app.evaluate(() => document.body.dataset.coldStartMs));
  const parseMs = Number(await app.evaluate(() => document.body.dataset.modelParseMs));
  cold.push({ loadMs, parseMs, firstVerdictMs: loadMs + (Date.now() - started) });
}
await browser.close();
server.close();

const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
console.log(`posecheck in Chromium (headless, ${repeat} calls per photo, 640x480, through the worker API):`);
photos.forEach((p, i) => console.log(`  ${p.split('/').pop()}: posecheck ${ours.perPhoto[i].ms.toFixed(1)} ms (${ours.perPhoto[i].faces} faces)` +
  (peer.perPhoto ? `, face-api ${peer.perPhoto[i].ms.toFixed(1)} ms (${peer.perPhoto[i].faces} faces)` : '')));
console.log(`  median per photo: posecheck ${median(ours.perPhoto.map((p) => p.ms)).toFixed(1)} ms (goal <= 80 ms)` +
  (peer.perPhoto ? `; face-api (${peer.backend} backend, SSD MobileNet + 68 landmarks) ${median(peer.perPhoto.map((p) => p.ms)).toFixed(1)} ms` +
    `; ratio posecheck/face-api ${(median(ours.perPhoto.map((p) => p.ms)) / median(peer.perPhoto.map((p) => p.ms))).toFixed(2)}` : `; face-api failed: ${peer.error}`));
console.log(`  webcam ${cam.width}x${cam.height}, as the page runs it (LiveDetectionScale): ${cam.fps.toFixed(1)} frames/s analysed (goal >= 25), ` +
  `${cam.facesPerFrame.toFixed(2)} faces per frame; every frame at full resolution: ${camFull.fps.toFixed(1)} frames/s, ` +
  `${camFull.facesPerFrame.toFixed(2)} faces per frame; ratio ${(cam.fps / camFull.fps).toFixed(2)}`);
console.log(`  start: PoseChecker.create ${ours.createMs.toFixed(0)} ms (models over the network); ` +
  `cold start with cached models to first verdict: median ${median(cold.map((c) => c.firstVerdictMs)).toFixed(0)} ms ` +
  `(model load ${median(cold.map((c) => c.loadMs)).toFixed(0)} ms; goal <= 1500 ms; ` +
  `of which loading the models in WebAssembly (copy into the heap, SHA-256, parse) ${median(cold.map((c) => c.parseMs)).toFixed(0)} ms, goal <= 300 ms)`);

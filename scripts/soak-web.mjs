#!/usr/bin/env node
// Soak benchmark (`npm run bench:soak`): the checker page in Chromium on the
// fake webcam (a looping Y4M of the demo face) for 2 minutes (argument:
// seconds), printing per 20 s window the frame rate, the page's JS heap and
// the resident memory of all Chromium processes (the WebAssembly heap lives
// in the worker's renderer process), then start vs end. Exit status 1 when
// memory grows by more than 25% from the first window to the last, or the
// frame rate of the last window falls below half the first's.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from './serve.mjs';
import { launch } from '../tests/browser/browser.mjs';
import { makeFixtures } from '../tests/browser/fixtures.mjs';

const seconds = Number(process.argv[2] ?? 120);
const WINDOW_S = Math.min(20, seconds);

function chromiumRssMb(rootPid) {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , r]) => [pid, r]));
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const p = stack.pop();
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total / 1024;
}

const fixtures = makeFixtures();
const server = await startServer({ port: 0 });
const origin = `http://localhost:${server.address().port}`;
const browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${join(fixtures, 'webcam.y4m')}`, '--enable-precise-memory-info']);
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
await context.grantPermissions(['camera'], { origin });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
await page.goto(`${origin}/`);
await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120000 });
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const browserPid = browser.process?.()?.pid ?? Number(execFileSync('pgrep', ['-o', '-f', 'chromium.*--headless'], { encoding: 'utf8' }).trim());

async function sample() {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value / 2 ** 20;
  const frames = Number(await page.evaluate(() => document.body.dataset.webcamFrames ?? 0));
  return { t: Date.now(), frames, heapMb: heap, rssMb: chromiumRssMb(browserPid) };
}

await page.click('#webcam-toggle');
await page.waitForFunction(() => Number(document.body.dataset.webcamFrames ?? 0) >= 3, null, { timeout: 120000 });
const start = await sample();
console.log(`soak: ${seconds} s of fake-webcam checks in Chromium (${origin})`);
console.log(`start: page JS heap ${start.heapMb.toFixed(1)} MB, Chromium RSS ${start.rssMb.toFixed(0)} MB`);
console.log('window      frames  frames/s  JS heap MB  RSS MB');
const windows = [];
let prev = start;
for (let w = 0; w < Math.ceil(seconds / WINDOW_S); w++) {
  await page.waitForTimeout(WINDOW_S * 1000);
  const s = await sample();
  const fps = (s.frames - prev.frames) / ((s.t - prev.t) / 1000);
  windows.push({ ...s, fps });
  console.log(`${String(w * WINDOW_S).padStart(4)}-${String((w + 1) * WINDOW_S).padEnd(4)} s ${String(s.frames - prev.frames).padStart(7)} ${fps.toFixed(2).padStart(9)} ${s.heapMb.toFixed(1).padStart(11)} ${s.rssMb.toFixed(0).padStart(7)}`);
  prev = s;
}
await page.click('#webcam-toggle');
const end = windows.at(-1);
console.log(`end: page JS heap ${end.heapMb.toFixed(1)} MB, Chromium RSS ${end.rssMb.toFixed(0)} MB; ${end.frames - start.frames} frames in ${((end.t - start.t) / 1000).toFixed(0)} s`);
const first = windows[0];
const rssGrowth = (end.rssMb - first.rssMb) / first.rssMb;
const heapGrowth = (end.heapMb - first.heapMb) / first.heapMb;
const stable = rssGrowth <= 0.25 && heapGrowth <= 0.25 && end.fps >= first.fps / 2 && !errors.length;
console.log(`first to last window: RSS ${(100 * rssGrowth).toFixed(1)}%, JS heap ${(100 * heapGrowth).toFixed(1)}%, frame rate ${first.fps.toFixed(2)} -> ${end.fps.toFixed(2)}/s${errors.length ? `; page errors: ${errors.join('; ')}` : ''}: ${stable ? 'stable' : 'NOT STABLE'}`);
await browser.close();
server.close();
process.exit(stable ? 0 : 1);

// Debian's Chromium driven by Playwright (playwright-core cannot download a
// browser here): the flags keep it from calling any outside service.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--metrics-recording-only', '--no-pings'];

export function launch(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...extraArgs] });
}

/** Records every request a page makes; `foreign(origins)` lists those elsewhere. */
export function watchRequests(context) {
  const requests = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), hasBody: r.postDataBuffer() !== null }));
  return {
    requests,
    foreign: (origins) => requests.filter((r) => !origins.some((o) => r.url.startsWith(o)) && !/^(blob|data):/.test(r.url)),
    withBody: () => requests.filter((r) => r.hasBody || !['GET', 'HEAD'].includes(r.method)),
  };
}

/** Opens the checker page and waits until its models are loaded (asserting it got there). */
export async function openChecker(page, origin, query = '') {
  await page.goto(`${origin}/${query}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 120000 });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== 'true') throw new Error(`the checker did not start: ${await page.textContent('#load-status')}`);
}

/**
 * For `locator.evaluate`: counts a canvas's pixels in the overlay's two
 * landmark colours (orange: central face, blue: outer face).
 */
export function landmarkColours(canvas) {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let orange = 0, blue = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] > 240 && d[i + 1] > 120 && d[i + 1] < 160 && d[i + 2] < 50) orange++;
    if (d[i] < 70 && d[i + 1] > 180 && d[i + 2] > 240) blue++;
  }
  return { orange, blue, w: canvas.width };
}

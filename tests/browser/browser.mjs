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

// The checker page against WCAG 2.1 AA with axe-core (issue 14), in its main
// states: empty, a photo result, an error, a video result; a keyboard-only
// run; and its layout at 360 px width (no horizontal scrolling). axe is injected into the page, so
// this context bypasses the page's Content-Security-Policy (which allows only
// the page's own scripts); the CSP itself is tested in privacy.test.mjs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM, launch, openChecker } from './browser.mjs';
import { artifactDir, makeFixtures } from './fixtures.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('accessibility of the checker page', { skip }, () => {
  let server, origin, browser, fixtures;

  before(async () => {
    fixtures = makeFixtures();
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  // Adds a file and waits until its card (the newest, first) has a verdict.
  async function check(page, name) {
    const before = await page.locator('article.card').count();
    await page.setInputFiles('#file-input', [join(fixtures, name)]);
    await page.waitForFunction((n) => document.querySelectorAll('article.card').length === n + 1 &&
      document.querySelector('article.card').dataset.verdict !== 'pending', before, { timeout: 120000 });
  }

  async function violations(page) {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const r = await page.evaluate(() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  test('axe finds no WCAG 2.1 AA violation when empty, with a photo, an error and a video', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await openChecker(page, origin);
    assert.deepEqual(await violations(page), [], 'empty page');
    await check(page, 'face.jpg');
    assert.equal(await page.locator('article.card').first().getAttribute('data-verdict') !== 'error', true);
    assert.deepEqual(await violations(page), [], 'photo result');
    await check(page, 'corrupt.jpg');
    assert.equal(await page.locator('article.card').first().getAttribute('data-verdict'), 'error');
    assert.deepEqual(await violations(page), [], 'error');
    await check(page, 'clip.webm');
    assert.ok(await page.locator('article.card .people li').count() > 0, 'the video has people');
    assert.deepEqual(await violations(page), [], 'video result');
    await context.close();
  });

  test('keyboard only: Tab to the drop zone, Enter opens the file chooser, Tab to the timeline, arrow keys show frames', async () => {
    const own = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const fresh = await own.newPage();
    await openChecker(fresh, origin);
    const tabTo = async (selector) => {
      for (let i = 0; i < 60; i++) {
        await fresh.keyboard.press('Tab');
        if (await fresh.evaluate((sel) => document.activeElement?.matches(sel), selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('#dropzone');
    // Enter must open the file chooser: the input's click is recorded (and the dialog kept shut: headless
    // Chromium raised its file-chooser event in only some runs), then the files are given as a chooser would.
    await fresh.evaluate(() => document.querySelector('#file-input').addEventListener('click', (e) => {
      window.chooserOpened = true;
      e.preventDefault();
    }));
    await fresh.keyboard.press('Enter');
    assert.equal(await fresh.evaluate(() => window.chooserOpened), true, 'Enter on the drop zone opens the file chooser');
    await fresh.setInputFiles('#file-input', [join(fixtures, 'clip.webm')]);
    await fresh.waitForFunction(() => document.querySelector('article.card')?.dataset.verdict !== 'pending', null, { timeout: 240000 });
    await tabTo('.timeline-chart');
    await fresh.keyboard.press('Home');
    const chart = fresh.locator('.timeline-chart');
    assert.equal(await chart.getAttribute('aria-valuenow'), '1');
    await fresh.keyboard.press('ArrowRight');
    assert.equal(await chart.getAttribute('aria-valuenow'), '2');
    await own.close();
  });

  test('at 360 px width nothing scrolls sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await openChecker(page, origin);
    await check(page, 'face.jpg');
    await check(page, 'clip.webm');
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `the page is ${scroll} px wide in a ${client} px window`);
    await page.screenshot({ path: join(artifactDir, 'page-360px.png') });
    await context.close();
  });
});

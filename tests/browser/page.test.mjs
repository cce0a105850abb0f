// The checker page in real Chromium: drop and pick files, a video clip, the
// fake webcam, offline reload; no request leaves the page's origin and none
// carries a body. Screenshots go to build/test-artifacts/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM, landmarkColours, launch, openChecker, watchRequests } from './browser.mjs';
import { artifactDir, makeFixtures } from './fixtures.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;

describe('checker page', { skip }, () => {
  let server, origin, browser, context, page, watch, fixtures;

  before(async () => {
    fixtures = makeFixtures();
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${join(fixtures, 'webcam.y4m')}`]);
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['camera'], { origin });
    watch = watchRequests(context);
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await openChecker(page, origin);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function dropFiles(names) {
    const files = names.map((n) => ({ name: n, data: readFileSync(join(fixtures, n)).toString('base64') }));
    await page.evaluate((list) => {
      const dt = new DataTransfer();
      for (const { name, data } of list) {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const type = name.endsWith('.webm') ? 'video/webm' : name.endsWith('.png') ? 'image/png' : 'image/jpeg';
        dt.items.add(new File([bytes], name, { type }));
      }
      document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    }, files);
  }

  const card = (name) => page.locator('article.card', { has: page.locator('h2.name', { hasText: name }) }).first();
  const settled = (name, timeout = 120000) =>
    page.waitForFunction((n) => [...document.querySelectorAll('article.card')].some((c) =>
      c.querySelector('h2.name').textContent === n && c.dataset.verdict && c.dataset.verdict !== 'pending'), name, { timeout });

  test('a file given right after the page opens waits for the checker and gets a verdict; exports wait for a result', async () => {
    const fresh = await context.newPage();
    const errors = [];
    fresh.on('pageerror', (e) => errors.push(e.message));
    await fresh.goto(`${origin}/`);
    await fresh.setInputFiles('#file-input', [join(fixtures, 'face.jpg')]);
    assert.notEqual(await fresh.evaluate(() => document.body.dataset.ready), 'true', 'the file was given before the checker was ready');
    assert.match(await fresh.locator('article.card .verdict').textContent(), /Waiting for the checker to load/);
    // Nothing to export yet: the buttons say so instead of downloading an empty file.
    assert.equal(await fresh.locator('#export-json').isDisabled(), true);
    assert.equal(await fresh.locator('#export-csv').isDisabled(), true);
    await fresh.waitForFunction(() => document.querySelector('article.card')?.dataset.verdict !== 'pending', null, { timeout: 120000 });
    const verdict = await fresh.locator('article.card').getAttribute('data-verdict');
    assert.ok(['little_evidence', 'uncertain', 'substantial_evidence'].includes(verdict), verdict);
    assert.equal(await fresh.locator('#export-json').isDisabled(), false);
    // The sampling rate stays within its bounds.
    await fresh.fill('#fps', '100');
    await fresh.locator('#fps').dispatchEvent('change');
    assert.equal(await fresh.inputValue('#fps'), '30');
    // The page names an icon that exists (no /favicon.ico 404).
    const icon = await fresh.locator('link[rel=icon]').getAttribute('href');
    assert.equal((await fresh.request.get(new URL(icon, `${origin}/`).href)).status(), 200);
    assert.deepEqual(errors, []);
    await fresh.close();
  });

  test('a dropped photo with a face gets a verdict and a drawn overlay', async () => {
    await dropFiles(['face.jpg']);
    await settled('face.jpg');
    const c = card('face.jpg');
    const verdict = await c.getAttribute('data-verdict');
    // The shipped classifier scores it: one of the three evidence bands, never "not scored".
    assert.ok(['little_evidence', 'uncertain', 'substantial_evidence'].includes(verdict), verdict);
    assert.match(await c.locator('.verdict').textContent(), /^(Little evidence of a face swap|Uncertain|Substantial evidence of a face swap) · P\(fake\) \d+%$/);
    // What the band means, as measured on people the model never saw, and that a clean result is no proof.
    assert.match(await c.locator('.meaning').textContent(),
      /^On people the model never saw, \d+% of face swaps and \d+% of real faces got this result\. Both cues combined, shown per face: log-odds = [\d.]+ × blend cue \+ -?[\d.]+ × pose cue [+−] [\d.]+ \(weights fitted on people the cues were not trained on\)\. The blend cue alone decides[^.]*\. A result with little evidence is not proof/);
    // The geometry is stated as measured, apart from the band.
    assert.match(await c.locator('.faces').textContent(),
      /Face 1: [^(]+\(P\(fake\) \d+%\) · .* · the two head poses differ by \d+\.\d° \(pose cue: P\(fake\) \d+%\) · both cues combined: P\(fake\) \d+%/);
    // The overlay drew in the landmark colours: count orange and blue pixels.
    const coloured = await c.locator('canvas.view').evaluate(landmarkColours);
    assert.equal(coloured.w, 960);
    // The annotated PNG: the picture with a caption strip (file, verdict, legend) under it.
    const [png] = await Promise.all([page.waitForEvent('download'), c.locator('.export-png').click()]);
    assert.equal(png.suggestedFilename(), 'face-posecheck.png');
    const bytes = readFileSync(await png.path());
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    const viewHeight = await c.locator('canvas.view').evaluate((cv) => cv.height);
    assert.equal(w, 960);
    assert.ok(h > viewHeight + 40, `PNG ${w}x${h}: no caption under the ${viewHeight} px picture`);
    assert.ok(coloured.orange > 20 && coloured.blue > 20, JSON.stringify(coloured));
    await c.screenshot({ path: join(artifactDir, 'page-photo.png') });
  });

  test('a photo without a face says so', async () => {
    await dropFiles(['noface.png']);
    await settled('noface.png');
    assert.equal(await card('noface.png').getAttribute('data-verdict'), 'no_face');
    assert.equal(await card('noface.png').locator('.verdict').textContent(), 'Not applicable: no face found');
    assert.equal(await card('noface.png').locator('.meaning').isHidden(), true);
    // It says why a face may not have been found.
    assert.match(await card('noface.png').locator('.faces').textContent(), /Faces under about 80 px across.*try “Find small faces”/);
  });

  test('corrupt files get an error card while the other files still finish', async () => {
    await page.setInputFiles('#file-input', ['corrupt.jpg', 'notes.jpg', 'group.jpg'].map((n) => join(fixtures, n)));
    await settled('group.jpg');
    for (const n of ['corrupt.jpg', 'notes.jpg']) {
      assert.equal(await card(n).getAttribute('data-verdict'), 'error', n);
      assert.match(await card(n).locator('.error').textContent(), /not an image|cannot|corrupt/i);
    }
    assert.notEqual(await card('group.jpg').getAttribute('data-verdict'), 'error');
    assert.ok((await card('group.jpg').locator('.faces li').count()) >= 2);
    await page.screenshot({ path: join(artifactDir, 'page-several-files.png'), fullPage: true });
  });

  test('a picture over the pixel limit is shrunk and checked; an SVG is checked as the browser shows it; a JPEG cut short is an error', async () => {
    await page.setInputFiles('#file-input', ['huge.jpg', 'drawing.svg', 'cut-short.jpg'].map((n) => join(fixtures, n)));
    for (const n of ['huge.jpg', 'drawing.svg', 'cut-short.jpg']) await settled(n);
    const huge = card('huge.jpg');
    assert.notEqual(await huge.getAttribute('data-verdict'), 'error', await huge.locator('.error').textContent());
    assert.match(await huge.locator('.faces').textContent(),
      /Face 1: .*Checked at 7492×5338 px, shrunk from 8000×5700 px \(over the checker's limit of 40 megapixels and 16384 px a side/);
    assert.equal(await card('drawing.svg').getAttribute('data-verdict'), 'no_face');
    assert.match(await card('drawing.svg').locator('.faces').textContent(), /could not be decoded as a whole .* as the browser shows it/);
    // A user's own file that does not decode is corrupt: an error card (the extension, checking what a page shows, reads it as shown).
    assert.equal(await card('cut-short.jpg').getAttribute('data-verdict'), 'error');
  });

  test('a WebM clip gets a timeline and a video verdict', async () => {
    await dropFiles(['clip.webm']);
    await settled('clip.webm', 240000);
    const c = card('clip.webm');
    assert.ok(Number(await c.getAttribute('data-frames')) >= 3);
    assert.notEqual(await c.getAttribute('data-verdict'), 'error');
    const drawn = await c.locator('.timeline-chart canvas').evaluate((cv) => {
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(drawn > 0, 'the timeline is blank');
    // uPlot's legend names the series: one P(fake) series per person, and the pose angle.
    const legend = await c.locator('.timeline-chart .u-legend').textContent();
    assert.match(legend, /Person 1 P\(fake\)/);
    assert.match(legend, /Angle between the poses/);
    // One verdict per person: the clip shows one person, seen in every analysed frame.
    const people = await c.locator('.people li').allTextContents();
    const frames = Number(await c.getAttribute('data-frames'));
    assert.equal(people.length, 1, people.join(' | '));
    assert.match(people[0], new RegExp(`^Person 1 · in ${frames} of ${frames} frames: `));
    assert.match(await c.locator('.video-progress-text').textContent(), new RegExp(`^${frames} of ${frames} frames analysed in \\d`));
    // Keyboard: the timeline is a slider over the analysed frames.
    const timeline = c.locator('.timeline-chart');
    assert.equal(await timeline.getAttribute('role'), 'slider');
    await timeline.focus();
    await page.keyboard.press('Home');
    assert.equal(await timeline.getAttribute('aria-valuenow'), '1');
    assert.match(await timeline.getAttribute('aria-valuetext'), new RegExp(`^frame 1 of ${frames}, 0\\.0 s`));
    await page.keyboard.press('ArrowRight');
    assert.equal(await timeline.getAttribute('aria-valuenow'), '2');
    await page.keyboard.press('End');
    assert.equal(await timeline.getAttribute('aria-valuenow'), String(frames));
    // The deciding person's most suspicious frames, labelled.
    assert.match(await c.locator('.suspicious-title').textContent(), /^Most suspicious frames of person 1/);
    assert.match(await c.locator('.suspicious img').first().getAttribute('alt'), /^frame \d+ at [\d.]+ s, P\(fake\) \d+%$/);
    await c.screenshot({ path: join(artifactDir, 'page-video.png') });
  });

  test('checkLive checks each frame the camera presents once, none twice, and stops when told', async () => {
    const r = await page.evaluate(async () => {
      const { checkLive } = await import('/posecheck.js');
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      await video.play();
      // An instant checker: every presented frame can be checked, so calls should match frames.
      let presented = 0, calls = 0, overlapping = 0, busy = false, results = 0;
      const count = () => { presented++; video.requestVideoFrameCallback(count); };
      video.requestVideoFrameCallback(count);
      const checker = { checkVideoFrame: async () => {
        if (busy) overlapping++;
        busy = true;
        calls++;
        await Promise.resolve();
        busy = false;
        return { faces: [] };
      } };
      const live = checkLive(checker, video, { onResult: () => { results++; } });
      await new Promise((res) => setTimeout(res, 2000));
      live.stop();
      const atStop = { presented, calls, results };
      await new Promise((res) => setTimeout(res, 500));
      video.srcObject.getTracks().forEach((t) => t.stop());
      return { ...atStop, overlapping, callsAfterStop: calls - atStop.calls };
    });
    assert.ok(r.presented >= 10, `the fake camera presented ${r.presented} frames in 2 s`);
    assert.ok(r.calls <= r.presented + 1, `${r.calls} checks for ${r.presented} presented frames: a frame was checked twice`);
    assert.ok(r.calls >= 0.8 * r.presented, `${r.calls} checks for ${r.presented} presented frames: frames were skipped with the checker free`);
    assert.equal(r.results, r.calls);
    assert.equal(r.overlapping, 0, 'a check started while one was in flight');
    assert.equal(r.callsAfterStop, 0, 'checks after stop()');
  });

  test('the webcam (Chromium fake device) gives live results', async () => {
    await page.click('#webcam-toggle');
    await page.waitForFunction(() => Number(document.body.dataset.webcamFrames ?? 0) >= 5, null, { timeout: 120000 });
    assert.match(await page.textContent('#webcam-status'), /face\(s\).*frames\/s/);
    await page.locator('#webcam').screenshot({ path: join(artifactDir, 'page-webcam.png') });
    await page.click('#webcam-toggle');
  });

  test('an overview table lists every checked file, sorts, and links to its card', async () => {
    const table = page.locator('#overview');
    assert.equal(await table.isVisible(), true);
    const rows = await table.locator('tbody tr').count();
    assert.equal(rows, await page.locator('article.card').count(), 'one row per card');
    // Sort by P(fake), highest first: the first row's score is the largest.
    await table.locator('th button', { hasText: 'P(fake)' }).click();
    await table.locator('th button', { hasText: 'P(fake)' }).click();
    assert.equal(await table.locator('th', { hasText: 'P(fake)' }).getAttribute('aria-sort'), 'descending');
    const scores = (await table.locator('tbody tr td:nth-child(5)').allTextContents()).map((t) => (t === '–' ? -1 : parseInt(t, 10)));
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    // Each file links to its card.
    const first = table.locator('tbody tr a').first();
    const id = (await first.getAttribute('href')).slice(1);
    assert.equal(await page.locator(`article.card#${id} h2.name`).textContent(), await first.textContent());
  });

  test('exports JSON and CSV of all results', async () => {
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const data = JSON.parse(readFileSync(await json.path(), 'utf8'));
    assert.ok(data.results.length >= 5);
    assert.match(data.exported_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    // Each result names the exact file (its SHA-256), when it was checked, the models and what the bands mean.
    const face = data.results.find((r) => r.file === 'face.jpg');
    assert.equal(face.sha256, createHash('sha256').update(readFileSync(join(fixtures, 'face.jpg'))).digest('hex'));
    assert.match(face.checked_at, /^\d{4}-\d\d-\d\dT/);
    assert.match(face.models.blend_classifier, /^[0-9a-f]{64}$/);
    assert.ok(face.bands.held_out, 'the band meanings are exported');
    const clip = data.results.find((r) => r.file === 'clip.webm');
    assert.ok(clip.models && clip.bands && clip.people.length === 1, 'the video exports its models, bands and people');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const text = readFileSync(await csv.path(), 'utf8');
    assert.match(text, /^file,sha256,type,time_s,face,status/);
    // A video has one row for its overall result and one per person, besides its faces frame by frame.
    assert.match(text, /\nclip\.webm,[0-9a-f]{64},video,,,overall,\d+ frames analysed,/);
    assert.match(text, /\nclip\.webm,[0-9a-f]{64},video,,person 1,person,seen in \d+ frames,[\d.]+,\w+,/);
    // Every row (faces, no-face and error rows alike) has the header's fields: count them outside quotes.
    const fields = (line) => { let n = 1, quoted = false; for (const ch of line) { if (ch === '"') quoted = !quoted; else if (ch === ',' && !quoted) n++; } return n; };
    const lines = text.trim().split(/\r?\n/);
    assert.ok(lines.length > 3, 'rows exported');
    for (const line of lines) assert.equal(fields(line), fields(lines[0]), line);
    assert.ok(lines.some((l) => /,no_face,|,error,/.test(l)), 'the export has a no-face or error row to check');
  });

  test('one online visit is enough to work offline (the service worker caches the models on install)', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const p = await fresh.newPage();
    await openChecker(p, origin);
    await p.evaluate(() => navigator.serviceWorker.ready);
    // The cache is named after this build (a hash of the app and its models), so a new build gets a new cache.
    const buildId = (await (await p.request.get(`${origin}/dist/build-id.js`)).text()).match(/'([0-9a-f]{16})'/)?.[1];
    assert.ok(buildId, 'dist/build-id.js names the build');
    await p.waitForFunction((name) => caches.has(name), `posecheck-${buildId}`, { timeout: 30000 });
    await fresh.setOffline(true);
    await p.reload();
    await p.waitForFunction(() => document.body.dataset.ready, null, { timeout: 120000 });
    assert.equal(await p.evaluate(() => document.body.dataset.ready), 'true', await p.textContent('#load-status'));
    // And checks a photo offline.
    await p.setInputFiles('#file-input', [join(fixtures, 'face.jpg')]);
    await p.waitForFunction(() => document.querySelector('article.card')?.dataset.verdict !== 'pending', null, { timeout: 120000 });
    assert.ok(['little_evidence', 'uncertain', 'substantial_evidence'].includes(await p.locator('article.card').getAttribute('data-verdict')));
    await fresh.close();
  });

  test('reloading offline still works (service worker cache)', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120000 });
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 120000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.textContent('#load-status'));
    await dropFiles(['face.jpg']);
    await page.waitForFunction(() => [...document.querySelectorAll('article.card')].length === 1 &&
      document.querySelector('article.card').dataset.verdict !== 'pending', null, { timeout: 120000 });
    await context.setOffline(false);
  });

  test('the worker API rejects bad input with a clear error and stays usable', async () => {
    const outcome = await page.evaluate(async () => {
      const { PoseChecker } = await import('/posecheck.js');
      const checker = await PoseChecker.create({ classifier: '' });
      const errors = [];
      for (const bad of [{ rgba: new Uint8Array(10), width: 5, height: 5 }, { rgba: new Uint8Array(4), width: 20000, height: 20000 },
        { rgba: new Uint8Array(4 * 17000), width: 17000, height: 1 }]) {
        try { await checker.checkImage(bad); errors.push('resolved'); } catch (e) { errors.push(`${e.name}/${e.code}: ${e.message}`); }
      }
      let modelError = '';
      try { await PoseChecker.create({ landmarkModel: new Uint8Array(1000).buffer, landmarkSha256: '' }); } catch (e) { modelError = e.message; }
      // A video on several checkers: helpers that are not checkers, or have other models, are refused;
      // frames out of order are refused and the session goes on.
      const helperErrors = [];
      const other = await PoseChecker.create({ classifier: '', blendClassifier: '' });
      for (const helpers of [[{}], [checker], [other]]) {
        try { await checker.beginVideo({ helpers }); helperErrors.push('resolved'); } catch (e) { helperErrors.push(`${e.code}: ${e.message}`); }
      }
      other.close();
      const same = await PoseChecker.create({ classifier: '' });
      const video = await checker.beginVideo({ helpers: [same] });
      const blank = () => ({ rgba: new Uint8Array(64 * 48 * 4), width: 64, height: 48 });
      await video.addFrame(blank(), 3);
      let order = '';
      try { await video.addFrame(blank(), 3); } catch (e) { order = `${e.code}: ${e.message}`; }
      await video.addFrame(blank(), 4);
      const summary = await video.finish();
      same.close();
      const ok = await checker.checkImage({ rgba: new Uint8Array(64 * 48 * 4), width: 64, height: 48 });
      checker.close();
      let closed = '';
      try { await checker.checkImage({ rgba: new Uint8Array(4), width: 1, height: 1 }); } catch (e) { closed = e.code; }
      return { errors, modelError, verdict: ok.verdict, cue: ok.models.face_cue, combination: ok.models.combination, closed, helperErrors, order,
        videoFrames: summary.frames_analysed, videoVerdict: summary.verdict };
    });
    // Without the pose classifier the default combination is left out: the blend cue decides alone.
    assert.equal(outcome.cue, 'blend');
    assert.equal(outcome.combination, null);
    assert.match(outcome.errors[0], /PoseCheckError\/invalid_argument: pixel buffer holds 10 bytes; 5x5 RGBA needs 100/);
    assert.match(outcome.errors[1], /PoseCheckError\/.*(needs|over the limit)/);
    assert.match(outcome.errors[2], /over the limit/);
    assert.match(outcome.modelError, /not a dlib shape predictor|landmark model/);
    assert.equal(outcome.verdict, 'no_face');
    assert.equal(outcome.closed, 'closed');
    assert.match(outcome.helperErrors[0], /^invalid_argument: a video's helpers must be other PoseCheckers/);
    assert.match(outcome.helperErrors[1], /^invalid_argument: a video's helpers must be other PoseCheckers/);
    assert.match(outcome.helperErrors[2], /^invalid_argument: a video's helpers must have loaded the same models/);
    assert.equal(outcome.order, 'invalid_argument: video frames must be added in order');
    assert.equal(outcome.videoFrames, 2, 'the frame refused is not part of the video');
    assert.equal(outcome.videoVerdict, 'no_face');
  });

  test('no request left the page origin and none carried a body', () => {
    assert.deepEqual(watch.foreign([origin]).map((r) => r.url), []);
    assert.deepEqual(watch.withBody().map((r) => `${r.method} ${r.url}`), []);
    assert.ok(watch.requests.length > 5);
  });

  test('the page is served with a CSP that allows only its own origin', async () => {
    const response = await page.request.get(`${origin}/`);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'|\*/);
  });
});

// Reading a video's frames in Chromium (issue 16): MP4 files decoded with
// WebCodecs (web/mp4_frames.js) give every frame once, in order, at the times
// ffprobe reads; sampling picks the first frame at or after each time; a file
// cut short, one without a header and one in a codec the browser cannot
// decode say so; the page uses the decoder for MP4 and plays WebM through.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM, launch, openChecker } from './browser.mjs';
import { artifactDir, fixtureDir, makeFixtures } from './fixtures.mjs';

const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;
const ffmpeg = (...args) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);

// The presentation times (s) of every frame, as ffprobe reads them.
const frameTimes = (path) => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time',
  '-of', 'json', path], { encoding: 'utf8' })).frames.map((f) => Number(f.pts_time));

describe('video frames decoded with WebCodecs', { skip }, () => {
  let server, origin, browser, page;
  const file = (name) => join(fixtureDir, name);

  before(async () => {
    makeFixtures();
    // 30 frames at 10 frames/s of a moving test pattern, H.264 with B-frames
    // (so an edit list shifts the presentation), the header at the end (as
    // ffmpeg writes by default) and at the start.
    const pattern = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-frames:v', '30', '-pix_fmt', 'yuv420p'];
    ffmpeg(...pattern, '-c:v', 'libx264', '-bf', '2', file('count.mp4'));
    ffmpeg(...pattern, '-c:v', 'libx264', '-bf', '2', '-movflags', '+faststart', file('count-faststart.mp4'));
    // Fragmented (as browsers record and streams are cut): no edit list, the first frame shown at 0.2 s.
    ffmpeg(...pattern, '-c:v', 'libx264', '-bf', '2', '-g', '10', '-movflags', 'frag_keyframe+empty_moov', file('count-fragmented.mp4'));
    ffmpeg(...pattern, '-c:v', 'libvpx', '-b:v', '1M', file('count.webm'));
    // MPEG-4 Part 2 in MP4: a codec Chromium does not decode.
    ffmpeg(...pattern, '-c:v', 'mpeg4', file('mpeg4-part2.mp4'));
    const whole = readFileSync(file('count-faststart.mp4'));
    writeFileSync(file('count-cut.mp4'), whole.subarray(0, Math.floor(whole.length * 0.5)));  // header, then half the frames
    const moovLast = readFileSync(file('count.mp4'));
    writeFileSync(file('count-no-header.mp4'), moovLast.subarray(0, Math.floor(moovLast.length * 0.8)));  // the header was at the end
    // A face, moving, 2 s at 10 frames/s (H.264 and VP8): the pixels path test.
    const face = ['-loop', '1', '-framerate', '10', '-t', '2', '-i', file('face.jpg'), '-vf',
      "scale=800:-2,crop=640:480:'20+40*t':'10+20*t',format=yuv420p"];
    ffmpeg(...face, '-c:v', 'libx264', file('face-moving.mp4'));
    ffmpeg(...face, '-c:v', 'libvpx', '-b:v', '2M', file('face-moving.webm'));
    // The same face for 3 s at 25 frames/s: enough frames (76) for the page to check them on several workers.
    ffmpeg('-loop', '1', '-framerate', '25', '-t', '3', '-i', file('face.jpg'), '-vf',
      "scale=800:-2,crop=640:480:'20+30*t':'10+15*t',format=yuv420p", '-c:v', 'libx264', file('face-25fps.mp4'));
    server = await startServer({ port: 0 });
    origin = `http://localhost:${server.address().port}`;
    browser = await launch();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await openChecker(page, origin);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  // Runs decodeMp4Frames in the page on a fixture: {items: [{index, time, hash} | {index, time, stalled, error}]} or {error}.
  const decode = (name, times) => page.evaluate(async ({ name, data, times }) => {
    const { decodeMp4Frames } = await import('/mp4_frames.js');
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const canvas = new OffscreenCanvas(64, 48);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const items = [];
    try {
      for await (const item of decodeMp4Frames(new File([bytes], name, { type: 'video/mp4' }), times)) {
        if (item.stalled) { items.push({ index: item.index, time: item.time, stalled: true, error: item.error }); continue; }
        ctx.drawImage(item.frame, 0, 0, 64, 48);
        const px = ctx.getImageData(0, 0, 64, 48).data;
        let hash = 0;
        for (let i = 0; i < px.length; i += 1) hash = (hash * 31 + px[i]) >>> 0;
        items.push({ index: item.index, time: item.time, hash });
      }
      return { items };
    } catch (e) {
      return { error: e.message };
    }
  }, { name, data: readFileSync(file(name)).toString('base64'), times });

  const everyFrame = Array.from({ length: 30 }, (_, k) => k / 10);

  test('every frame of an MP4 once, in order, at the times ffprobe reads from the first (header at the end, at the start, fragmented)', async () => {
    for (const name of ['count.mp4', 'count-faststart.mp4', 'count-fragmented.mp4']) {
      const read = frameTimes(file(name));
      const expected = read.map((t) => t - read[0]); // the first frame at 0, as the CLI counts (ffmpeg's start time)
      assert.equal(expected.length, 30, `${name}: ffprobe frames`);
      const { items, error } = await decode(name, everyFrame);
      assert.equal(error, undefined, error);
      assert.equal(items.length, 30, `${name}: frames decoded`);
      items.forEach((it, k) => {
        assert.equal(it.index, k);
        assert.ok(Math.abs(it.time - expected[k]) < 1e-3, `${name} frame ${k}: ${it.time} s, ffprobe ${expected[k]} s`);
      });
      assert.equal(new Set(items.map((it) => it.hash)).size, 30, `${name}: every frame different (none shown twice)`);
    }
  });

  test('sampled times get the first frame at or after each, and the last frame past the end', async () => {
    const times = [0, 0.25, 0.5, 1.01, 2.95, 2.999];
    const { items, error } = await decode('count.mp4', times);
    assert.equal(error, undefined, error);
    assert.deepEqual(items.map((it) => Math.round(it.time * 10) / 10), [0, 0.3, 0.5, 1.1, 2.9, 2.9]);
    assert.deepEqual(items.map((it) => it.index), [0, 1, 2, 3, 4, 5]);
  });

  test('a file cut short stops with a reason after its last whole frames; no header, or a codec the browser lacks, is an error naming it', async () => {
    const cut = await decode('count-cut.mp4', everyFrame);
    assert.equal(cut.error, undefined, cut.error);
    const stall = cut.items.at(-1);
    assert.equal(stall.stalled, true, JSON.stringify(stall));
    assert.match(stall.error, /ends early|cannot be decoded/);
    assert.ok(cut.items.length > 3 && cut.items.length < 30, `${cut.items.length} items`);
    cut.items.slice(0, -1).forEach((it, k) => assert.equal(it.index, k));

    assert.match((await decode('count-no-header.mp4', everyFrame)).error, /no MP4 header/);
    assert.match((await decode('mpeg4-part2.mp4', everyFrame)).error, /cannot decode the video's codec \(mp4v/);
  });

  // Drops a fixture on the page and waits for its verdict; returns its card.
  async function dropAndWait(p, name, type) {
    await p.evaluate(({ name, type, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
      document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    }, { name, type, data: readFileSync(file(name)).toString('base64') });
    await p.waitForFunction((n) => [...document.querySelectorAll('article.card')].some((c) =>
      c.querySelector('h2.name').textContent === n && c.dataset.verdict && c.dataset.verdict !== 'pending'), name, { timeout: 240000 });
    return p.locator('article.card', { has: p.locator('h2.name', { hasText: name }) }).first();
  }

  test('the page reads MP4 with the decoder (every frame at 10 frames/s) and WebM by playing it', async () => {
    await page.fill('#fps', '10');
    for (const [name, type, reader] of [['count.mp4', 'video/mp4', 'webcodecs'], ['count.webm', 'video/webm', 'video']]) {
      const card = await dropAndWait(page, name, type);
      assert.equal(await card.getAttribute('data-reader'), reader, name);
      // sampleTimes(3 s, 10/s): 0, 0.1, ..., 2.9 and 2.999, the last one the last frame again (as a seek gives it).
      assert.equal(Number(await card.getAttribute('data-frames')), 31, `${name}: frames analysed`);
      if (reader === 'webcodecs') await card.screenshot({ path: join(artifactDir, 'page-video-mp4.png') });
    }
  });

  test('frames copied out as RGBA (VideoFrame.copyTo) give exactly what frames drawn through a canvas give, MP4 and WebM', async () => {
    const exported = async (p, name) => {
      const [json] = await Promise.all([p.waitForEvent('download'), p.click('#export-json')]);
      return JSON.parse(readFileSync(await json.path(), 'utf8')).results.find((r) => r.file === name);
    };
    const canvasPage = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    await openChecker(canvasPage, origin, '?pixels=canvas');
    for (const p of [page, canvasPage]) await p.fill('#fps', '10');
    for (const [name, type] of [['face-moving.mp4', 'video/mp4'], ['face-moving.webm', 'video/webm']]) {
      const copied = await dropAndWait(page, name, type);
      const drawn = await dropAndWait(canvasPage, name, type);
      assert.equal(await copied.getAttribute('data-pixels'), 'copy', `${name}: pixels copied out of the frame`);
      assert.equal(await drawn.getAttribute('data-pixels'), 'canvas', `${name}: pixels drawn through a canvas`);
      const [a, b] = [await exported(page, name), await exported(canvasPage, name)];
      assert.equal(a.frames.length, 21, `${name}: frames (0, 0.1, ..., 1.9 and the last again)`);
      const faces = a.frames.filter((f) => f.faces?.length).length;
      assert.ok(faces >= 19, `${name}: a face in ${faces} of 21 frames`);
      a.frames.forEach((f, i) => {
        const g = b.frames[i];
        assert.equal(f.time_s, g.time_s, `${name} frame ${i} time`);
        assert.deepEqual(f.faces?.map((x) => x.landmarks), g.faces?.map((x) => x.landmarks), `${name} frame ${i}: landmarks`);
        assert.equal(f.score, g.score, `${name} frame ${i}: P(fake)`);
      });
      assert.equal(a.score, b.score, `${name}: the video's P(fake)`);
    }
    await canvasPage.close();
  });

  test('a video checked on two workers gives, frame by frame and person by person, what one worker gives', async () => {
    const exported = async (p, name) => {
      const [json] = await Promise.all([p.waitForEvent('download'), p.click('#export-json')]);
      return JSON.parse(readFileSync(await json.path(), 'utf8')).results.find((r) => r.file === name);
    };
    const pages = {};
    for (const workers of [2, 1]) {
      pages[workers] = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      pages[workers].on('pageerror', (e) => console.error('page error:', e.message));
      await openChecker(pages[workers], origin, `?workers=${workers}`);
      await pages[workers].fill('#fps', '25');
    }
    const name = 'face-25fps.mp4';
    const two = await dropAndWait(pages[2], name, 'video/mp4');
    const one = await dropAndWait(pages[1], name, 'video/mp4');
    assert.equal(await two.getAttribute('data-workers'), '2', 'checked on two workers');
    assert.equal(await one.getAttribute('data-workers'), '1');
    const [a, b] = [await exported(pages[2], name), await exported(pages[1], name)];
    assert.equal(a.frames.length, 76, 'every frame (0, 0.04, ..., 2.96 and the last again)');
    assert.ok(a.frames.filter((f) => f.faces?.length === 1).length >= 70, 'a face in (almost) every frame');
    // Whole-frame scans every 10 frames (fullScanEveryAt(25)), regions around the face between.
    assert.deepEqual(a.frames.slice(0, 21).map((f) => f.search_regions), [0, ...Array(9).fill(1), 0, ...Array(9).fill(1), 0]);
    a.frames.forEach((f, i) => assert.deepEqual(f, b.frames[i], `frame ${i}: the same result, in the same place`));
    assert.deepEqual(a.people, b.people, 'the same people');
    assert.equal(a.score, b.score);
    assert.equal(a.verdict, b.verdict);
    for (const p of Object.values(pages)) await p.close();
  });
});

// Reading a video's frames (web/video_frames.js) against a simulated <video>:
// the sample times, the seeking reader, and the playing reader (pauses on
// the first frame at or after each sample, seeks across long gaps, reports
// the end's last frame, and a stall when no frame and no clock progress come).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { playFrames, readFrames, sampleTimes, seekFrames } from '../../web/video_frames.js';

/**
 * A video of `duration` s at `fps`, decoded on timers; `stallAfter` s: frames
 * stop coming (a truncated file); `clockAhead` s: how far a paused video's
 * clock stands past the frame it shows (Chromium's currentTime runs ahead of
 * the presented frame); `seekCostMs`: what each seek takes.
 */
class FakeVideo extends EventTarget {
  constructor({ duration = 10, fps = 25, rvfc = true, stallAfter = Infinity, clockAhead = 0, seekCostMs = 1 } = {}) {
    super();
    Object.assign(this, { duration, fps, stallAfter, clockAhead, seekCostMs, time: 0, paused: true, ended: false, playbackRate: 1, muted: false,
      seeks: 0, plays: 0, played: false });
    if (!rvfc) this.requestVideoFrameCallback = undefined;
  }
  get currentTime() { return this.played ? Math.min(this.duration, this.time + this.clockAhead) : this.time; }
  set currentTime(t) {
    this.seeks++;
    this.time = Math.min(t, this.duration);
    this.ended = false;
    this.played = false;
    if (t < this.stallAfter) setTimeout(() => this.dispatchEvent(new Event('seeked')), this.seekCostMs);
  }
  requestVideoFrameCallback(cb) { this.pending = cb; }
  play() {
    this.plays++;
    this.paused = false;
    this.played = true;
    this.timer = setInterval(() => {
      const next = Math.round((this.time + 1 / this.fps) * this.fps) / this.fps;
      if (next >= this.stallAfter) return; // nothing decodes any more
      if (next > this.duration - 1e-9) {
        clearInterval(this.timer);
        this.ended = true;
        this.dispatchEvent(new Event('ended'));
        return;
      }
      this.time = next;
      this.dispatchEvent(new Event('timeupdate'));
      const cb = this.pending;
      this.pending = null;
      cb?.(0, { mediaTime: this.time });
    }, 1);
    return Promise.resolve();
  }
  pause() { this.paused = true; clearInterval(this.timer); }
}

const collect = async (gen) => { const out = []; for await (const f of gen) out.push(f); return out; };

describe('video frames', () => {
  test('sample times: every 1/fps s up to just before the end; at most maxFrames spread over the video', () => {
    assert.deepEqual(sampleTimes(2, 2), [0, 0.5, 1, 1.5, 1.999]);
    assert.deepEqual(sampleTimes(0, 2), [0]);
    assert.deepEqual(sampleTimes(NaN, 2), [0]);
    const spread = sampleTimes(600, 2, 120);
    assert.equal(spread.length, 120);
    assert.equal(spread[0], 0);
    assert.ok(Math.abs(spread[119] - 599.999) < 1e-9);
  });

  test('the seeking reader seeks once per sample and stops at a stall', async () => {
    const v = new FakeVideo();
    assert.deepEqual(await collect(seekFrames(v, [0, 1, 2])), [{ index: 0, time: 0 }, { index: 1, time: 1 }, { index: 2, time: 2 }]);
    assert.equal(v.seeks, 3);
    const broken = new FakeVideo({ stallAfter: 1.5 });
    const got = await collect(seekFrames(broken, [0, 1, 2, 3], { stallMs: 50 }));
    assert.deepEqual(got.at(-1), { index: 2, time: 2, stalled: true });
    assert.equal(got.length, 3);
  });

  test('the playing reader pauses on the first frame at or after each sample and plays instead of seeking', async () => {
    const v = new FakeVideo({ duration: 3, fps: 25 });
    const got = await collect(playFrames(v, sampleTimes(3, 2)));
    assert.deepEqual(got.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6]); // 0, 0.5, ..., 2.5, 2.999
    // The first frame (every 0.04 s) at or after each sample time.
    got.slice(1, 6).forEach((f, k) => assert.ok(f.time >= 0.5 * (k + 1) - 1e-9 && f.time < 0.5 * (k + 1) + 0.04, `sample ${k + 1}: frame at ${f.time}`));
    assert.ok(got[6].time >= 2.96 - 1e-9, 'the last sample: the last frame (the video ended before 2.999 s)');
    assert.equal(v.seeks, 1, 'one seek (to the start), then played through');
    assert.ok(v.paused);
    // Every frame wanted: played at 1x, each sample a frame of its own.
    const every = new FakeVideo({ duration: 1, fps: 25 });
    const all = await collect(playFrames(every, sampleTimes(1, 25)));
    // Each sample its own frame; the last (0.999 s, after the last frame at 0.96 s) shows that last frame again, as a seek would.
    assert.equal(new Set(all.slice(0, -1).map((f) => f.time)).size, all.length - 1);
    assert.ok(Math.abs(all.at(-1).time - 0.96) < 1e-9, `${all.at(-1).time}`);
    assert.equal(every.playbackRate, 1);
  });

  test('every frame of a video whose paused clock runs ahead of the frame shown: played through, never a seek per frame', async () => {
    // As Chromium: after a pause, currentTime stands 1.5 frames past the frame on screen; a seek costs 100 ms.
    const v = new FakeVideo({ duration: 2, fps: 25, clockAhead: 0.06, seekCostMs: 100 });
    const times = sampleTimes(2, 25);
    const got = await collect(playFrames(v, times, { stallMs: 150 }));
    assert.equal(got.length, times.length, JSON.stringify(got.at(-1)));
    assert.ok(!got.some((f) => f.stalled), 'no false stall');
    assert.equal(v.seeks, 1, 'one seek, to the start');
    got.forEach((f, k) => assert.ok(f.time >= times[k] - 1e-9, `sample ${k}: frame at ${f.time} is before ${times[k]}`));
    // Samples denser than the frames get the frame on screen again, without a seek.
    const dense = new FakeVideo({ duration: 1, fps: 10, clockAhead: 0.05 });
    const denseTimes = sampleTimes(1, 20);
    const twice = await collect(playFrames(dense, denseTimes));
    assert.equal(dense.seeks, 1);
    assert.equal(twice.length, denseTimes.length);
    assert.ok(new Set(twice.map((f) => f.time)).size <= 11);
  });

  test('the playing reader seeks across long gaps and reports a stall', async () => {
    const v = new FakeVideo({ duration: 100 });
    const got = await collect(playFrames(v, [0, 60, 60.5]));
    assert.deepEqual(got.map((f) => f.index), [0, 1, 2]);
    assert.equal(v.seeks, 2, 'the 60 s gap is sought, the 0.5 s one played');
    const broken = new FakeVideo({ duration: 10, stallAfter: 1.2 });
    const cut = await collect(playFrames(broken, [0, 0.5, 1, 1.5, 2], { stallMs: 100 }));
    assert.deepEqual(cut.at(-1), { index: 3, time: 1.5, stalled: true });
  });

  test('readFrames plays where requestVideoFrameCallback exists, else seeks; mode seek forces seeking', async () => {
    const times = [0, 0.5, 1];
    const played = new FakeVideo();
    await collect(readFrames(played, times));
    assert.equal(played.seeks, 1);
    const forced = new FakeVideo();
    await collect(readFrames(forced, times, { mode: 'seek' }));
    assert.equal(forced.seeks, 3);
    const old = new FakeVideo({ rvfc: false });
    await collect(readFrames(old, times));
    assert.equal(old.seeks, 3);
  });
});

// Reading a recorded video's frames for the checker by seeking a <video>
// element: which times to sample, and seeking to one with a bound on how long
// a stalled decoder may hold it. Shared by the page (web/app.js) and the
// extension's offscreen document, so both sample a video the same way.

/** What to tell a user whose browser cannot decode a video. */
export const CODEC_ADVICE = 'This browser plays H.264 (MP4) and VP8/VP9/AV1 (WebM); older codecs such as MPEG-4 Part 2 ' +
  '(Xvid, DivX) are not supported: convert the file, e.g. `ffmpeg -i in.avi -c:v libx264 out.mp4`.';

/**
 * Resolves on `event`, rejects on the element's 'error' (the browser cannot
 * decode it) or after timeoutMs.
 */
export function waitFor(target, event, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    target.addEventListener(event, () => { clearTimeout(timer); resolve(); }, { once: true });
    target.addEventListener('error', () => { clearTimeout(timer); reject(new Error('this video cannot be decoded by the browser')); }, { once: true });
  });
}

/**
 * The times (s) to sample: every 1/fps s from 0 to the end (the last one just
 * before it, where a seek still lands on a frame). With maxFrames, at most
 * that many, spread evenly over the whole video instead.
 */
export function sampleTimes(duration, fps, maxFrames = Infinity) {
  const d = Number.isFinite(duration) && duration > 0 ? duration : 0;
  const last = Math.max(0, d - 0.001);
  const times = [];
  for (let t = 0; t <= d + 1e-9; t += 1 / fps) times.push(Math.min(t, last));
  if (times.length <= maxFrames) return times;
  const n = Math.max(1, Math.floor(maxFrames));
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : (last * i) / (n - 1)));
}

/**
 * Seeks `video` to t seconds; true once the frame is there, false when the
 * seek stalls (a truncated file can stop for good with neither 'seeked' nor
 * 'error': waiting 15 s on each remaining frame kept a card pending for a
 * minute, found by tests/browser/bad_inputs.test.mjs).
 */
export async function seekTo(video, t, timeoutMs = 4000) {
  video.currentTime = t;
  return waitFor(video, 'seeked', timeoutMs).then(() => true, () => false);
}

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
 * A muted <video> of `blob` (a File or Blob) with its first frame loaded:
 * resolves {video, url}, url being the blob's object URL, which the caller
 * revokes when done with the video. When the browser cannot read the video,
 * revokes the URL and rejects with waitFor's error.
 */
export async function openVideoBlob(blob) {
  const url = URL.createObjectURL(blob);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = url;
  try {
    await waitFor(video, 'loadeddata');
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  }
  return { video, url };
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

// Playing through is cheaper than seeking (a seek decodes from the last key
// frame again, which in a 1080p video with a key frame every 10 s took over
// 4 s per seek) until the next sample is this far ahead, in seconds of video.
const PLAY_THROUGH_S = 30;

/** Seeking reader: each sample by its own seek. Yields {index, time} or, at a stall, {index, time, stalled: true}. */
export async function* seekFrames(video, times, { stallMs = 4000 } = {}) {
  for (const [index, t] of times.entries()) {
    if (!(await seekTo(video, t, stallMs))) {
      yield { index, time: t, stalled: true };
      return;
    }
    yield { index, time: t };
  }
}

// Plays (muted, at `rate`) until the first presented frame at or after
// `target` s (or the end), pauses on it and resolves with its time; null on
// a stall: stallMs with neither a frame nor any progress of the playback
// clock (a slow decoder that still advances is not a stall).
function playUntil(video, target, rate, stallMs) {
  return new Promise((resolve) => {
    let timer = 0;
    // The end comes before a frame at `target` when the last frame is earlier: it is the one shown.
    const onEnded = () => done(video.currentTime);
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => done(null), stallMs); };
    const done = (t) => {
      clearTimeout(timer);
      video.removeEventListener('ended', onEnded);
      video.removeEventListener('timeupdate', arm);
      video.pause();
      resolve(t);
    };
    const onFrame = (now, meta) => {
      if (meta.mediaTime >= target - 1e-3 || video.ended) return done(meta.mediaTime);
      arm();
      video.requestVideoFrameCallback(onFrame);
    };
    video.addEventListener('ended', onEnded);
    video.addEventListener('timeupdate', arm);
    video.requestVideoFrameCallback(onFrame);
    video.playbackRate = rate;
    arm();
    video.play().catch(() => done(null));
  });
}

/**
 * Playing reader: decodes the video in order, pausing on the first frame at
 * or after each sample time (a sample further than PLAY_THROUGH_S ahead is
 * sought instead), at a rate that reaches the next sample in about 0.1 s.
 * Yields {index, time} with the frame's own time, or {index, time, stalled:
 * true}; the video is paused on that frame until the consumer asks for the
 * next one. Needs requestVideoFrameCallback.
 */
export async function* playFrames(video, times, { stallMs = 4000 } = {}) {
  video.muted = true;
  // The media time of the frame the video is paused on, and the last sample
  // time. Gaps are measured from the frame shown, not from currentTime: a
  // paused video's clock can stand a frame or more past the frame it shows,
  // and measuring from it turned every-frame reading into a seek per frame
  // (over 4 s each in 1080p with a key frame every 10 s: a false stall).
  let shown = null, previous = -Infinity;
  for (const [index, t] of times.entries()) {
    let time = null;
    if (shown !== null && t >= previous && (t <= shown + 1e-3 || video.ended)) {
      time = shown; // the frame on screen is already the first at or after t (or the last one)
    } else if (shown === null || t < previous || t - shown > PLAY_THROUGH_S) {
      time = (await seekTo(video, t, stallMs)) ? t : null;
    } else {
      // Fast enough to reach the next sample in about 0.1 s, slow enough for
      // the decoder to keep up when every frame is wanted (Chromium: <= 16).
      time = await playUntil(video, t, Math.min(8, Math.max(1, (t - shown) / 0.1)), stallMs);
    }
    if (time === null) {
      yield { index, time: t, stalled: true };
      return;
    }
    shown = time;
    previous = t;
    yield { index, time };
  }
}

/**
 * The frames of `times` from `video`: played through where the browser can
 * pause on a presented frame (requestVideoFrameCallback), else by seeking;
 * mode 'seek' forces seeking (benchmarks compare the two).
 */
export function readFrames(video, times, { mode = 'auto', ...options } = {}) {
  const canPlay = mode !== 'seek' && typeof video.requestVideoFrameCallback === 'function';
  return canPlay ? playFrames(video, times, options) : seekFrames(video, times, options);
}

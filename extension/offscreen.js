// The offscreen document: hosts PoseChecker (web/posecheck.js, unchanged),
// whose module worker runs the WebAssembly module with the bundled models.
// It fetches each image or video itself, with the extension's host
// permission, from its own site (no cookies, no referrer), checks it and
// keeps the result and a small preview for the panel. Nothing else leaves
// the browser.
import { DEFAULT_MODELS, PoseChecker, fullScanEveryAt } from './lib/posecheck.js';
import { decidingPerson } from './lib/overlay.js';
import { CODEC_ADVICE, openVideoBlob, readFrames, sampleTimes, seekTo } from './lib/video_frames.js';
import { decodePicture } from './lib/picture.js';

const MAX_BYTES = 50 * 1024 * 1024; // images larger than this are refused before decoding
const MAX_VIDEO_BYTES = 300 * 1024 * 1024; // videos: the whole file is read into memory
const VIDEO_FPS = 2; // frames sampled per second of video, as the page's default
const MAX_VIDEO_FRAMES = 120; // longer videos: this many frames spread over the whole video
const PREVIEW_SIDE = 1024; // the panel's picture, in pixels on its longer side
const SMALL_PICTURE_PIXELS = 1_000_000; // up to this size, a picture without a face found is looked at again for smaller faces
const KEEP = 40; // results held for panels
const IDLE_MS = 10 * 60 * 1000; // then the models' memory is given back

const results = new Map(); // id -> {result, preview, url}
const byUrl = new Map(); // url -> summary (the same image is checked once)
const byHash = new Map(); // SHA-256 of the bytes -> summary (the same picture under another URL, too)
let checker = null;
let queue = Promise.resolve();
let idleTimer = 0;

class CheckError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

async function optionalText(url) {
  try {
    const response = await fetch(url);
    return response.ok ? response.text() : '';
  } catch {
    return ''; // the classifier may not be bundled: then faces get poses but no P(fake)
  }
}

async function loadChecker() {
  const response = await fetch(DEFAULT_MODELS.landmarkModel);
  if (!response.ok) throw new CheckError('io', 'the bundled landmark model is missing');
  const landmarkModel = await response.arrayBuffer();
  const [faceModel, classifier, trackClassifier, blendClassifier, combination] = await Promise.all([optionalText(DEFAULT_MODELS.faceModel),
    optionalText(DEFAULT_MODELS.classifier), optionalText(DEFAULT_MODELS.trackClassifier), optionalText(DEFAULT_MODELS.blendClassifier),
    optionalText(DEFAULT_MODELS.combination)]);
  return PoseChecker.create({ landmarkModel, faceModel, classifier, trackClassifier, blendClassifier, combination });
}

let ready = null;
const theChecker = () => (ready ??= loadChecker().then((c) => (checker = c)).catch((e) => { ready = null; throw e; }));

// The file at `url`, fetched by the extension itself from its own site: no
// cookies, no referrer; the browser's cache answers when it can.
async function fetchBlob(url, what, maxBytes) {
  if (!/^(https?|data|file):/i.test(url)) throw new CheckError('invalid_argument', `cannot read ${what}s from ${url.split(':')[0]}: URLs`);
  let response;
  try {
    response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'force-cache' });
  } catch (e) {
    throw new CheckError('io', `could not load the ${what} (${e.message})`);
  }
  if (!response.ok) throw new CheckError('io', `could not load the ${what} (HTTP ${response.status})`);
  const limit = `${(maxBytes / 1048576).toFixed(0)} MB`;
  const length = Number(response.headers.get('Content-Length')) || 0;
  if (length > maxBytes) throw new CheckError('image_too_large', `the ${what} is ${(length / 1048576).toFixed(0)} MB; the limit is ${limit}`);
  const blob = await response.blob();
  if (blob.size > maxBytes) throw new CheckError('image_too_large', `the ${what} is over ${limit}`);
  return blob;
}

// Over the core's pixel limit: shrunk while decoding (web/picture.js); SVGs
// and truncated files are read as the browser shows them.
async function decodeImage(blob) {
  try {
    return await decodePicture(blob, { readAsShown: 'any' }); // what the page shows, even a file cut short
  } catch (e) {
    throw new CheckError(e.code ?? 'image_decode', e.message);
  }
}

// The picture (an ImageBitmap, a canvas or a <video> at its frame) drawn at
// most PREVIEW_SIDE px on a canvas in main memory (willReadFrequently), so
// encoding it never waits on a GPU read-back (issue 15 saw 1 s encodes;
// here both kinds of canvas took 8-12 ms, so this is a precaution).
function previewCanvas(picture) {
  const w = picture.videoWidth ?? picture.width, h = picture.videoHeight ?? picture.height;
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(w, h));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale)));
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(picture, 0, 0, canvas.width, canvas.height);
  return canvas;
}

// A JPEG data URL of a preview canvas: made off the check's path (the
// verdict does not wait for it; the panel does).
async function encodePreview(canvas) {
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.88 });
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function summarise(id, result) {
  return {
    id, verdict: result.verdict, score: result.score, faces_found: result.faces_found, width: result.width, height: result.height,
    faces: result.faces.map((f) => ({ status: f.status, band: f.band, p_fake: f.p_fake })),
  };
}

const held = (summary) => summary && results.has(summary.id);

async function sha256Hex(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function check(url, src) {
  if (held(byUrl.get(url))) return byUrl.get(url);
  const c = await theChecker();
  const blob = await fetchBlob(url, 'image', MAX_BYTES);
  const sha256 = await sha256Hex(blob);
  if (held(byHash.get(sha256))) {
    byUrl.set(url, byHash.get(sha256));
    return byHash.get(sha256);
  }
  const { bitmap, original, scale, asShown } = await decodeImage(blob);
  const canvas = previewCanvas(bitmap);
  // Small pictures (thumbnails, avatars) hold small faces: when none is found
  // at the detector's own scale (faces from about 80 px), look again at twice
  // the size (from about 40 px), as the page's "Find small faces" does.
  const small = bitmap.width * bitmap.height <= SMALL_PICTURE_PIXELS;
  const again = small ? await createImageBitmap(bitmap) : null;
  let result = await c.checkImage(bitmap); // the bitmap moves to the worker
  let upsampled = false;
  if (again && result.faces_found === 0) {
    result = await c.checkImage(again, { upsample: 1 });
    upsampled = true;
  } else again?.close();
  const preview = encodePreview(canvas); // awaited by the panel, not by the verdict
  preview.catch(() => {});
  const reading = { original, scale, asShown, upsampled };
  const summary = remember(url, src, { result, preview, sha256, reading }, (id) => ({ ...summarise(id, result), sha256 }));
  byHash.set(sha256, summary);
  return summary;
}

function remember(url, src, entry, summaryOf) {
  const id = crypto.randomUUID();
  results.set(id, { ...entry, url: src ?? url, checkedAt: new Date().toISOString() });
  const summary = summaryOf(id);
  byUrl.set(url, summary);
  const expired = [];
  while (results.size > KEEP) {
    const oldest = results.keys().next().value;
    results.delete(oldest);
    expired.push(oldest);
  }
  for (const map of [byUrl, byHash]) for (const [k, s] of map) if (!results.has(s.id)) map.delete(k);
  // Badges showing a result no longer held say so (background.js -> content.js).
  if (expired.length) chrome.runtime.sendMessage({ type: 'offscreen-expired', ids: expired }).catch(() => {});
  return summary;
}

// The video at `url` (the extension's own copy, fetched as fetchBlob does),
// loaded into a muted <video>, handed to `use`; released afterwards.
async function withVideo(url, use) {
  const blob = await fetchBlob(url, 'video', MAX_VIDEO_BYTES);
  const { video, url: objectUrl } = await openVideoBlob(blob).catch((e) => {
    throw new CheckError('image_decode', `this video cannot be read: ${e.message}. ${CODEC_ADVICE}`);
  });
  try {
    return await use(video);
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(objectUrl);
  }
}

/**
 * Checks a recorded video as the page does (web/video_frames.js): frames
 * sampled by seeking, linked into people in the worker; the result held for
 * the panel is the video's people and verdict, and one frame to show: the
 * deciding person's most suspicious frame.
 */
async function checkVideo(url, src) {
  if (byUrl.has(url) && results.has(byUrl.get(url).id)) return byUrl.get(url);
  const c = await theChecker();
  return withVideo(url, async (video) => {
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    const times = sampleTimes(duration, VIDEO_FPS, MAX_VIDEO_FRAMES);
    const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
    const session = await c.beginVideo();
    const frames = [];
    let stalledAt = null;
    for await (const { index, time, stalled } of readFrames(video, times)) {
      if (stalled) { stalledAt = time; break; }
      canvas.getContext('2d').drawImage(video, 0, 0);
      // Whole-frame scans for faces at least every FULL_SCAN_SECONDS of video; samples further apart are all whole.
      const result = await session.addFrame(canvas, index, { fullScanEvery: fullScanEveryAt(duration > 0 ? times.length / duration : 0) });
      frames.push({ time, score: result.score, result });
    }
    const summary = await session.finish();
    if (!frames.length) throw new CheckError('image_decode', 'no frame of this video could be decoded');
    const decisive = decidingPerson(summary);
    const shownIndex = decisive?.most_suspicious_frames?.[0] ?? Math.floor(frames.length / 2);
    const shown = frames[Math.min(shownIndex, frames.length - 1)];
    await seekTo(video, shown.time);
    const preview = await encodePreview(previewCanvas(video));
    return remember(url, src, {
      result: shown.result, preview,
      video: { summary, duration, shownTime: shown.time, shownPerson: decisive?.id ?? null, framesSampled: times.length, stalledAt,
        timeline: frames.map((f) => ({ time: f.time, score: f.score })) },
    }, (id) => ({ id, kind: 'video', verdict: summary.verdict, score: summary.score, people: summary.people.length,
      frames_analysed: summary.frames_analysed, faces_found: Math.max(0, ...frames.map((f) => f.result.faces_found)) }));
  });
}

/**
 * Checks the frame of a video at `time` seconds (the one the page shows
 * when the user asked): the extension's own copy of the video, sought there.
 */
async function checkFrame(url, src, time) {
  const key = `${url}#t=${time.toFixed(3)}`;
  if (held(byUrl.get(key))) return byUrl.get(key);
  const c = await theChecker();
  return withVideo(url, async (video) => {
    const at = Math.min(Math.max(0, time), Number.isFinite(video.duration) ? video.duration : time);
    if (at > 0 && !(await seekTo(video, at))) throw new CheckError('image_decode', `the frame at ${at.toFixed(1)} s cannot be decoded. ${CODEC_ADVICE}`);
    const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
    canvas.getContext('2d').drawImage(video, 0, 0);
    const preview = encodePreview(previewCanvas(video));
    preview.catch(() => {});
    const result = await c.checkImage(canvas);
    const entry = { result, preview, frame: { time: at } };
    const summary = remember(key, src, entry, (id) => ({ ...summarise(id, result), kind: 'frame', time: at }));
    return summary;
  });
}

function touch() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => chrome.runtime.sendMessage({ type: 'offscreen-idle' }).catch(() => {}), IDLE_MS);
}

const fromExtension = (sender) => sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL(''));

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== 'offscreen' || !fromExtension(sender)) return false;
  touch();
  if (message.type === 'check' || message.type === 'check-video' || message.type === 'check-frame') {
    const job = queue.then(() => (message.type === 'check' ? check(message.url, message.src)
      : message.type === 'check-video' ? checkVideo(message.url, message.src) : checkFrame(message.url, message.src, Number(message.time) || 0)));
    queue = job.catch(() => {});
    job.then(sendResponse, (e) => sendResponse({ error: { code: e.code ?? 'internal', message: e.message ?? String(e) } }));
    return true;
  }
  if (message.type === 'get') {
    const entry = results.get(message.id);
    if (!entry) {
      sendResponse({ error: { code: 'expired', message: 'this result is no longer held; check the image again' } });
      return false;
    }
    Promise.resolve(entry.preview).then((preview) => sendResponse({ ...entry, preview, version: checker?.version() ?? '' }),
      (e) => sendResponse({ error: { code: 'internal', message: `the preview could not be made (${e.message})` } }));
    return true;
  }
  return false;
});

touch();
theChecker().catch((e) => console.error('posecheck: the checker could not start:', e.message));

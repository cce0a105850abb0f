// The offscreen document: hosts PoseChecker (web/posecheck.js, unchanged),
// whose module worker runs the WebAssembly module with the bundled models.
// It fetches each image itself, with the extension's host permission, from
// the image's own site (no cookies, no referrer), checks it and keeps the
// result and a small preview for the panel. Nothing else leaves the browser.
import { DEFAULT_MODELS, PoseChecker } from './lib/posecheck.js';

const MAX_BYTES = 50 * 1024 * 1024; // images larger than this are refused before decoding
const PREVIEW_SIDE = 1024; // the panel's picture, in pixels on its longer side
const KEEP = 40; // results held for panels
const IDLE_MS = 10 * 60 * 1000; // then the models' memory is given back

const results = new Map(); // id -> {result, preview, url}
const byUrl = new Map(); // url -> summary (the same image is checked once)
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
  const [faceModel, classifier, blendClassifier, combination] = await Promise.all([optionalText(DEFAULT_MODELS.faceModel),
    optionalText(DEFAULT_MODELS.classifier), optionalText(DEFAULT_MODELS.blendClassifier), optionalText(DEFAULT_MODELS.combination)]);
  // Images only: the head-motion (track) classifier is for videos, which the extension does not check.
  return PoseChecker.create({ landmarkModel, faceModel, classifier, trackClassifier: '', blendClassifier, combination });
}

let ready = null;
const theChecker = () => (ready ??= loadChecker().then((c) => (checker = c)).catch((e) => { ready = null; throw e; }));

async function fetchImage(url) {
  if (!/^(https?|data|file):/i.test(url)) throw new CheckError('invalid_argument', `cannot read images from ${url.split(':')[0]}: URLs`);
  let response;
  try {
    // The extension's own request to the image's site: no cookies, no referrer;
    // the browser's cache answers when it can.
    response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'force-cache' });
  } catch (e) {
    throw new CheckError('io', `could not load the image (${e.message})`);
  }
  if (!response.ok) throw new CheckError('io', `could not load the image (HTTP ${response.status})`);
  const length = Number(response.headers.get('Content-Length')) || 0;
  if (length > MAX_BYTES) throw new CheckError('image_too_large', `the image is ${(length / 1e6).toFixed(0)} MB; the limit is 50 MB`);
  const blob = await response.blob();
  if (blob.size > MAX_BYTES) throw new CheckError('image_too_large', 'the image is over 50 MB');
  try {
    return await createImageBitmap(blob);
  } catch {
    throw new CheckError('image_decode', 'this is not an image the browser can decode');
  }
}

async function previewOf(bitmap) {
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
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

async function check(url, src) {
  if (byUrl.has(url) && results.has(byUrl.get(url).id)) return byUrl.get(url);
  const c = await theChecker();
  const bitmap = await fetchImage(url);
  const preview = await previewOf(bitmap);
  const result = await c.checkImage(bitmap); // the bitmap moves to the worker
  const id = crypto.randomUUID();
  results.set(id, { result, preview, url: src ?? url, checkedAt: new Date().toISOString() });
  const summary = summarise(id, result);
  byUrl.set(url, summary);
  while (results.size > KEEP) results.delete(results.keys().next().value);
  for (const [u, s] of byUrl) if (!results.has(s.id)) byUrl.delete(u);
  return summary;
}

function touch() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => chrome.runtime.sendMessage({ type: 'offscreen-idle' }).catch(() => {}), IDLE_MS);
}

const fromExtension = (sender) => sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL(''));

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== 'offscreen' || !fromExtension(sender)) return false;
  touch();
  if (message.type === 'check') {
    const job = queue.then(() => check(message.url, message.src));
    queue = job.catch(() => {});
    job.then(sendResponse, (e) => sendResponse({ error: { code: e.code ?? 'internal', message: e.message ?? String(e) } }));
    return true;
  }
  if (message.type === 'get') {
    const entry = results.get(message.id);
    sendResponse(entry ? { ...entry, version: checker?.version() ?? '' } : { error: { code: 'expired', message: 'this result is no longer held; check the image again' } });
    return false;
  }
  return false;
});

touch();
theChecker().catch((e) => console.error('posecheck: the checker could not start:', e.message));

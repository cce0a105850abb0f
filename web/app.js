// The checker page: drag-and-drop images and videos, webcam, explanation,
// export. All checking runs in the worker behind PoseChecker; this file only
// handles the page. Nothing leaves the tab.
import { DEFAULT_MODELS, FULL_LANDMARK_MODEL, LiveDetectionScale, PoseChecker, checkLive, framePixels, fullScanEveryAt } from './posecheck.js';
import { Timeline } from './timeline.js';
import { CODEC_ADVICE, openVideoBlob, readFrames, sampleTimes, waitFor } from './video_frames.js';
import { canDecodeVideo, decodeMp4Frames, isMp4 } from './mp4_frames.js';
import { decodePicture } from './picture.js';
import { bandMeaning, bandOf, combinationSentence, decidingPerson, drawOverlay, faceHeadline, faceNumbers, noFaceHint, NOT_PROOF, personLine,
  pictureNote, unanalysedFacesNote, WORDING } from './overlay.js';

const $ = (sel, root = document) => root.querySelector(sel);
const VIDEO_EXT = /\.(webm|mp4|m4v|mov|mkv|ogv|avi)$/i;
// records: one exported result per file; overview: the table's rows ({ record, cardId, ms }).
const state = { checker: null, records: [], overview: [], webcam: null, sort: { key: 'order', dir: 1 } };

// ---------------------------------------------------------------- loading

async function fetchWithProgress(url, onBytes) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url.split('/').pop()} (HTTP ${response.status})`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
  return bytes;
}

// A model that may be absent (the classifier, before one is trained): '' then.
async function optionalText(url) {
  try {
    const response = await fetch(url);
    return response.ok ? response.text() : '';
  } catch {
    return ''; // offline and never cached because it did not exist
  }
}

// How a video's frames are read: MP4 and QuickTime files decoded with
// WebCodecs (web/mp4_frames.js), other files played through a <video>
// (web/video_frames.js). ?video=play forces playing through, ?video=seek a
// seek per frame (npm run bench:web compares them in one run).
const askedReader = new URLSearchParams(location.search).get('video');
const VIDEO_READER = ['play', 'seek'].includes(askedReader) ? askedReader : 'auto';
// ?pixels=canvas takes every video frame's pixels through a canvas instead of
// copying them out of the frame (framePixels); tests compare the two.
const COPY_FRAME_PIXELS = new URLSearchParams(location.search).get('pixels') !== 'canvas';
const isVideoFile = (file) => file.type.startsWith('video/') || VIDEO_EXT.test(file.name);

// The frames at `times` as {index, time, frame? | stalled} (a `frame` is a
// VideoFrame, open until the next item; without one, the <video> shows the
// frame), and which reader gives them ('webcodecs' or 'video'). A file
// WebCodecs cannot open here (no MP4 header, a codec this browser does not
// decode) falls back to the <video> element, which then says what it cannot play.
async function frameReader(file, video, times) {
  if (VIDEO_READER === 'auto' && canDecodeVideo() && await isMp4(file)) {
    const decoded = decodeMp4Frames(file, times);
    try {
      const first = await decoded.next(); // opening the file happens here, and fails here
      const items = (async function* () {
        try {
          if (!first.done) yield first.value;
          yield* decoded;
        } finally {
          await decoded.return();
        }
      })();
      return { reader: 'webcodecs', items };
    } catch (e) {
      console.warn(`posecheck: reading the video by playing it (${e.message})`);
    }
  }
  return { reader: 'video', items: readFrames(video, times, { mode: VIDEO_READER === 'seek' ? 'seek' : 'auto' }) };
}

async function load() {
  const bar = $('#load-progress'), status = $('#load-status');
  const started = performance.now();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('./sw.js').catch(() => {});
  // ?landmarks=full selects dlib's full 99.7 MB model instead of the compact one.
  const landmarkChoice = new URLSearchParams(location.search).get('landmarks') === 'full' ? FULL_LANDMARK_MODEL : DEFAULT_MODELS;
  try {
    const landmarks = await fetchWithProgress(landmarkChoice.landmarkModel, (got, total) => {
      if (total) bar.value = (0.9 * got) / total;
      status.textContent = `${(got / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`;
    });
    status.textContent = 'Starting the checker…';
    const [faceModel, classifier] = await Promise.all([optionalText(DEFAULT_MODELS.faceModel), optionalText(DEFAULT_MODELS.classifier)]);
    // Helpers (photos side by side) need their own copy: the bytes move to the worker.
    // Not with the 99.7 MB full model: four copies of it would not fit many machines.
    if (landmarkChoice === DEFAULT_MODELS) {
      const copy = landmarks.slice();
      state.helperModels = () => ({ landmarkModel: copy.slice().buffer, landmarkSha256: landmarkChoice.landmarkSha256, faceModel, classifier });
    }
    state.checker = await PoseChecker.create({ landmarkModel: landmarks.buffer, landmarkSha256: landmarkChoice.landmarkSha256, faceModel, classifier });
    release(state.checker);
    document.body.dataset.workers = '1';
    bar.value = 1;
    document.body.dataset.ready = 'true';
    document.body.dataset.coldStartMs = String(Math.round(performance.now() - started));
    document.body.dataset.modelParseMs = String(Math.round(state.checker.loadTimes().modelsMs));
    $('#loading').hidden = true;
    if (!classifier) status.textContent = 'No classifier model: faces get poses but no probability.';
  } catch (e) {
    status.textContent = `The checker could not start: ${e.message}`;
    document.body.dataset.ready = 'error';
    throw new Error(`The checker could not start: ${e.message}`);
  }
}

// ---------------------------------------------------------------- cards

// A number field's value within its min and max (the field shows what is used:
// a typed 100 frames/s becomes 30); `fallback` when it is not a number.
function boundedNumber(field, fallback, round = (x) => x) {
  const value = Math.min(Number(field.max), Math.max(Number(field.min), round(Number(field.value)) || fallback));
  if (String(value) !== field.value) field.value = String(value);
  return value;
}

// ?scan=every-frame: video frames all scanned whole for faces (no tracking between
// whole-frame scans), for the benchmark's same-run baseline (npm run bench:web).
const SCAN_EVERY_FRAME = new URLSearchParams(location.search).get('scan') === 'every-frame';

function options() {
  return { upsample: $('#upsample').checked ? 1 : 0, maxFaces: boundedNumber($('#max-faces'), 16, Math.round),
    fullScanEvery: SCAN_EVERY_FRAME ? 1 : fullScanEveryAt(samplingFps()) };
}

let cardCount = 0;
function newCard(name) {
  const card = $('#card-template').content.firstElementChild.cloneNode(true);
  card.id = `result-${++cardCount}`;
  $('.name', card).textContent = name;
  $('#results').prepend(card);
  return card;
}

function setVerdict(card, verdict, score, bands, models) {
  const el = $('.verdict', card);
  el.className = `verdict ${verdict}`;
  el.textContent = WORDING[verdict] + (score !== null && score !== undefined ? ` · P(fake) ${(score * 100).toFixed(0)}%` : '');
  card.dataset.verdict = verdict;
  const meaning = $('.meaning', card);
  const scored = score !== null && score !== undefined;
  meaning.textContent = scored ? [bandMeaning(bands, verdict), combinationSentence(models), NOT_PROOF].filter(Boolean).join(' ') : '';
  meaning.hidden = !scored;
}

function showError(card, message) {
  const el = $('.error', card);
  el.hidden = false;
  el.textContent = message;
  card.dataset.verdict = 'error';
  $('.media', card).hidden = true;
  $('.card-actions', card).hidden = true;
}


function describeFaces(card, result, reading = null) {
  const list = $('.faces', card);
  list.textContent = '';
  result.faces.forEach((face, i) => {
    const li = document.createElement('li');
    const head = document.createElement('span');
    head.textContent = faceHeadline(face, i, result.models);
    li.append(head);
    if (face.features) {
      const details = document.createElement('details');
      details.innerHTML = '<summary>The numbers behind it</summary>';
      const p = document.createElement('p');
      p.textContent = faceNumbers(face);
      details.append(p);
      li.append(details);
    }
    list.append(li);
  });
  for (const note of [pictureNote(result, reading), unanalysedFacesNote(result), noFaceHint(result, options().upsample > 0)]) {
    if (!note) continue;
    const li = document.createElement('li');
    li.textContent = note;
    list.append(li);
  }
}

function drawResult(canvas, source, result) {
  canvas.width = result.width;
  canvas.height = result.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(source, 0, 0, result.width, result.height);
  drawOverlay(ctx, result);
}

// ---------------------------------------------------------------- images

async function checkImageFile(file, card, meta, checker) {
  let bitmap, reading;
  try {
    ({ bitmap, ...reading } = await decodePicture(file)); // shrunk when over the pixel limit
  } catch {
    showError(card, 'This file is not an image this browser can read (it may be corrupt or of an unsupported type).');
    setRecord(card, { file: file.name, ...meta, type: 'image', error: 'unreadable image' });
    return;
  }
  const canvas = $('.view', card);
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  try {
    const result = await checker.checkImage(bitmap, options()); // the bitmap moves to the worker
    drawOverlay(canvas.getContext('2d'), result);
    setVerdict(card, result.verdict, result.score, result.bands, result.models);
    describeFaces(card, result, reading);
    setRecord(card, { file: file.name, ...meta, type: 'image', ...result, ...(reading.scale < 1 ? { shrunk_from: reading.original } : {}),
      ...(reading.asShown ? { read_as_shown: true } : {}) });
  } catch (e) {
    showError(card, e.message);
    setRecord(card, { file: file.name, ...meta, type: 'image', error: e.message });
  }
}

// ---------------------------------------------------------------- videos



// Seconds as "1:05", "42 s" or "3.5 s".
const clock = (s) => (s >= 60 ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);

// A dropped video file in a muted <video>, its first frame loaded; null
// (with the card showing why) when the browser cannot read it.
async function openVideo(file, card, meta) {
  try {
    return await openVideoBlob(file);
  } catch (e) {
    showError(card, `This video cannot be read: ${e.message}. ${CODEC_ADVICE}`);
    setRecord(card, { file: file.name, ...meta, type: 'video', error: e.message });
    return null;
  }
}

// Reads the frames at `times` and adds each to the video session, with
// progress and the live timeline; stops at a stall or Cancel. Returns the
// frames ({time, score, pose_difference_deg, result | error, stalled}).
// Pipelined: while the worker checks frame k, the reader goes on to frame
// k + 1 (the decoder decodes it; a played-through video waits for it to be
// shown, a frame period when every frame is wanted). At most `inFlight` frames
// are out (two per checker the session uses). A frame's pixels go to the
// worker copied out of the frame where the browser can (framePixels), else
// through its canvas; frames shown in the view are drawn into their own
// canvas, not reused before their result is shown.
const SHOW_EVERY_MS = 200;

async function analyseFrames(card, file, video, times, duration, session, inFlight, timeline, work) {
  const canvas = $('.view', card);
  const frames = [];
  let cancelled = false;
  $('.cancel', card).onclick = () => { cancelled = true; };
  const progress = $('.video-progress', card);
  const progressText = $('.video-progress-text', card);
  const started = performance.now();
  const canvases = [work, ...Array.from({ length: inFlight - 1 }, () => {
    const c = document.createElement('canvas');
    c.width = work.width;
    c.height = work.height;
    return c;
  })];
  const pending = [];
  let done = 0, lastShown = -Infinity;
  const finished = (frame, source, result, error) => {
    if (result) {
      const rot = result.faces.map((f) => f.rotation_difference_deg).filter((x) => x !== null);
      Object.assign(frame, { score: result.score, pose_difference_deg: rot.length ? Math.max(...rot) : null, result });
      if (source) drawResult(canvas, source, result);
    } else {
      Object.assign(frame, { score: null, pose_difference_deg: null, error: error.message });
    }
    done += 1;
    progress.value = done / times.length;
    const left = ((performance.now() - started) / done) * (times.length - done) / 1000;
    progressText.textContent = `Frame ${done} of ${times.length} · ${Math.round(100 * progress.value)}%` +
      (done < times.length ? ` · about ${clock(left)} left` : '');
    timeline.update(frames.filter((f) => 'score' in f), { bands: frames.find((f) => f.result)?.result.bands ?? null, duration });
  };
  const { reader, items } = await frameReader(file, video, times);
  card.dataset.reader = reader;
  for await (const { index: i, time: t, stalled, error, frame: decodedFrame } of items) {
    if (cancelled) break;
    if (stalled) { // stop at the first stall
      await Promise.all(pending);
      frames.push({ time: t, score: null, pose_difference_deg: null, stalled: true,
        // The <video> showed no frame within its time limit: a cut or corrupt
        // file, or (when seeking a large video on a busy machine) a slow one.
        error: error ?? 'the video could not be read from here on (truncated or corrupt, or too slow to show a frame)' });
      break;
    }
    const source = canvases[i % inFlight];
    const image = decodedFrame ?? video;
    const frame = { time: t };
    frames.push(frame);
    // The frame's pixels, taken before the reader moves on; they move to the
    // worker. Copied here, not in the worker: with one worker that measured
    // 32-33 frames/s against 27-29 (640x480), with two the same.
    let pixels = COPY_FRAME_PIXELS ? await framePixels(image, source.width, source.height) : null;
    card.dataset.pixels = pixels ? 'copy' : 'canvas';
    // Drawn for the view at most every SHOW_EVERY_MS (and the last frame), or
    // always when the pixels must come from the canvas.
    const show = !pixels || i === times.length - 1 || performance.now() - lastShown >= SHOW_EVERY_MS;
    if (show) {
      lastShown = performance.now();
      const [w, h] = image.displayWidth ? [image.displayWidth, image.displayHeight] : [source.width, source.height];
      if (w === source.width && h === source.height) source.getContext('2d').drawImage(image, 0, 0);
      else source.getContext('2d').drawImage(image, 0, 0, source.width, source.height); // a VideoFrame of another display size
    }
    pixels ??= await createImageBitmap(source);
    const shownSource = show ? source : null;
    pending.push(session.addFrame(pixels, i, options()).then((result) => finished(frame, shownSource, result, null),
      (error) => finished(frame, shownSource, null, error)));
    if (pending.length >= inFlight) await pending.shift();
  }
  await Promise.all(pending);
  const analysed = frames.filter((f) => 'score' in f);
  $('.cancel', card).disabled = true;
  progressText.textContent = `${analysed.length} of ${times.length} frames analysed in ${clock((performance.now() - started) / 1000)}`;
  return { frames: analysed, cancelled, reader };
}

// The video's verdict, one line per person, and why the analysis stopped
// early if it did. Returns the deciding person (or null).
function showVideoVerdict(card, summary, frames, times, cancelled) {
  const decisive = decidingPerson(summary);
  const models = frames.find((f) => f.result)?.result.models ?? null;
  setVerdict(card, summary.verdict, summary.score, decisive?.basis === 'head_motion' ? summary.head_motion_bands : summary.bands,
    decisive?.basis === 'head_motion' ? null : models);
  const people = $('.people', card);
  people.textContent = '';
  for (const person of summary.people) {
    const li = document.createElement('li');
    li.textContent = personLine(person, summary.frames_analysed);
    people.append(li);
  }
  card.dataset.frames = String(frames.length);
  const stall = frames.find((f) => f.stalled);
  const error = $('.error', card);
  if (stall && !cancelled) error.hidden = false, error.textContent = `Stopped at ${stall.time.toFixed(1)} s: ${stall.error}; the verdict covers the frames before.`;
  if (cancelled) error.hidden = false, error.textContent = `Cancelled after ${frames.length} of ${times.length} frames; the verdict covers those.`;
  return decisive;
}

// After the analysis: the timeline per person and the frame navigation
// (click, or the arrow keys, Home and End on the focused timeline, show that
// frame with its overlay). Returns {showFrame, atFrame}.
function frameNavigation(card, video, work, frames, timeline, summary, duration) {
  const canvas = $('.view', card);
  const chart = $('.timeline-chart', card);
  // Showing a frame seeks the one <video>: one seek at a time (a click during
  // the thumbnails' seeks showed one frame's pixels with another's faces).
  let seeking = Promise.resolve();
  const atFrame = (f, draw) => (seeking = seeking.then(async () => {
    video.currentTime = f.time;
    await waitFor(video, 'seeked').catch(() => {});
    await draw();
  }));
  let shown = frames.length - 1;
  // One series per person, the face cue's band thresholds.
  timeline.update(frames, { people: summary.people, bands: summary.bands, duration, marker: frames[shown]?.time });
  const replot = () => timeline.mark(frames[shown]?.time);
  const sayShown = () => {
    const f = frames[shown];
    if (!f) return;
    chart.setAttribute('aria-valuenow', String(shown + 1));
    chart.setAttribute('aria-valuetext', `frame ${shown + 1} of ${frames.length}, ${f.time.toFixed(1)} s` +
      (f.score !== null && f.score !== undefined ? `, P(fake) ${Math.round(f.score * 100)}%` : ', not scored'));
  };
  const showFrame = (k) => {
    shown = Math.max(0, Math.min(frames.length - 1, k));
    const f = frames[shown];
    card.dataset.shownTime = f.time.toFixed(2);
    replot();
    sayShown();
    return atFrame(f, () => {
      work.getContext('2d').drawImage(video, 0, 0);
      if (f.result) { drawResult(canvas, work, f.result); describeFaces(card, f.result); }
    });
  };
  if (frames.length) {
    chart.tabIndex = 0;
    chart.setAttribute('role', 'slider');
    chart.setAttribute('aria-valuemin', '1');
    chart.setAttribute('aria-valuemax', String(frames.length));
    chart.onkeydown = (event) => {
      const step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
      if (step) showFrame(shown + step);
      else if (event.key === 'Home') showFrame(0);
      else if (event.key === 'End') showFrame(frames.length - 1);
      else return;
      event.preventDefault();
    };
  }
  replot();
  sayShown();
  return { showFrame, atFrame };
}

// The deciding person's most suspicious frames as thumbnails (never a
// passer-by's or a non-face's); a click or Enter shows that frame.
async function showSuspiciousFrames(card, video, decisive, frames, { showFrame, atFrame }) {
  const box = $('.suspicious', card);
  const suspicious = (decisive?.most_suspicious_frames ?? []).map((k) => [k, frames[k]]).filter(([, x]) => x?.result);
  if (suspicious.length) {
    box.append(Object.assign(document.createElement('p'), { className: 'suspicious-title',
      textContent: `Most suspicious frames of person ${decisive.id} (click to show):` }));
  }
  for (const [k, f] of suspicious) {
    const small = document.createElement('canvas');
    await atFrame(f, () => {
      const thumb = document.createElement('canvas');
      drawResult(thumb, video, f.result);
      small.height = 120;
      small.width = Math.round((120 * thumb.width) / thumb.height);
      small.getContext('2d').drawImage(thumb, 0, 0, small.width, small.height);
    });
    const fig = document.createElement('figure');
    const img = document.createElement('img');
    img.src = small.toDataURL('image/png');
    img.alt = `frame ${k + 1} at ${f.time.toFixed(1)} s, P(fake) ${(f.score * 100).toFixed(0)}%`;
    img.tabIndex = 0;
    img.onclick = () => showFrame(k);
    img.onkeydown = (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); showFrame(k); } };
    fig.append(img, Object.assign(document.createElement('figcaption'), { textContent: `${f.time.toFixed(1)} s · P(fake) ${(f.score * 100).toFixed(0)}%` }));
    box.append(fig);
  }
}

/**
 * A dropped video: its frames sampled at the page's rate and linked into
 * people in the worker (core/person_tracks.h, one verdict per person), then
 * the verdict, the navigable timeline, the most suspicious frames, and the
 * record for the exports.
 */
async function checkVideoFile(file, card, meta) {
  const opened = await openVideo(file, card, meta);
  if (!opened) return;
  const { video, url } = opened;
  $('.video-ui', card).hidden = false;
  const fps = samplingFps();
  const duration = Number.isFinite(video.duration) ? video.duration : 0;
  const times = sampleTimes(duration, fps);
  const work = document.createElement('canvas');
  work.width = video.videoWidth;
  work.height = video.videoHeight;
  let pick = () => {};
  const helpers = await videoHelpers(times.length);
  card.dataset.workers = String(1 + helpers.length);
  const timeline = new Timeline($('.timeline-chart', card), { onPick: (k) => pick(k) });
  let frames, cancelled, reader, summary;
  try {
    const session = await state.checker.beginVideo({ helpers });
    ({ frames, cancelled, reader } = await analyseFrames(card, file, video, times, duration, session, 2 * (1 + helpers.length), timeline, work));
    summary = await session.finish();
  } finally {
    for (const helper of helpers) release(helper);
  }
  const decisive = showVideoVerdict(card, summary, frames, times, cancelled);
  const navigation = frameNavigation(card, video, work, frames, timeline, summary, duration);
  pick = navigation.showFrame;
  await showSuspiciousFrames(card, video, decisive, frames, navigation);
  const last = frames.filter((f) => f.result).pop();
  if (last) describeFaces(card, last.result);
  if (last) card.dataset.shownTime = last.time.toFixed(2);
  const scored = frames.filter((f) => f.score !== null && f.score !== undefined);
  setRecord(card, { file: file.name, ...meta, type: 'video', duration_s: duration, sample_fps: fps, reader, frames_analysed: frames.length,
    frames_scored: scored.length, score: summary.score, verdict: summary.verdict, models: frames.find((f) => f.result)?.result.models ?? null,
    bands: summary.bands, head_motion_bands: summary.head_motion_bands, people: summary.people,
    frames: frames.map(({ time, result, error }) => ({ time_s: time, ...(result ?? { error }) })) });
  URL.revokeObjectURL(url);
}

// ---------------------------------------------------------------- files

// Photos dropped together are checked side by side (issue 16, "use the
// cores"): the page's checker and helpers, each a Web Worker with its own
// module, made when several photos arrive at once: one per core
// (navigator.hardwareConcurrency), at most one per 2 GB of memory
// (navigator.deviceMemory, where the browser tells) and at most 4; ?workers=N
// sets the number (1: one at a time). Videos and the webcam use the page's
// checker alone, a video only once the photos before it are done. Results
// keep the order the files were given in, whichever finishes first.
const pool = { idle: [], waiting: [], helpers: 0, growing: null, jobs: new Set() };
function poolLimit() {
  const asked = Number(new URLSearchParams(location.search).get('workers'));
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, 8);
  const cores = navigator.hardwareConcurrency || 1;
  const memory = navigator.deviceMemory ? Math.max(1, Math.floor(navigator.deviceMemory / 2)) : 4;
  return Math.max(1, Math.min(cores, memory, 4));
}
function growPool() {
  pool.growing ??= (async () => {
    const want = poolLimit() - 1;
    if (want < 1 || !state.helperModels) return;
    const made = await Promise.allSettled(Array.from({ length: want }, () => PoseChecker.create(state.helperModels())));
    for (const m of made) if (m.status === 'fulfilled') { pool.helpers += 1; release(m.value); }
    document.body.dataset.workers = String(1 + pool.helpers);
  })();
  return pool.growing;
}
// A video's frames are checked side by side by the page's checker and the
// helpers (PoseChecker.beginVideo, helpers) when it has at least
// VIDEO_POOL_MIN_FRAMES frames to analyse: making a helper takes about as
// long as checking a few dozen frames. Returns the helpers taken out of the
// pool (the caller releases them), none with ?workers=1.
const VIDEO_POOL_MIN_FRAMES = 50;
async function videoHelpers(frames) {
  if (frames < VIDEO_POOL_MIN_FRAMES || poolLimit() < 2) return [];
  await growPool();
  const helpers = pool.idle.filter((c) => c !== state.checker);
  pool.idle = pool.idle.filter((c) => c === state.checker);
  return helpers;
}
function acquire() {
  return pool.idle.length ? Promise.resolve(pool.idle.pop()) : new Promise((resolve) => pool.waiting.push(resolve));
}
function release(checker) {
  const next = pool.waiting.shift();
  if (next) next(checker); else pool.idle.push(checker);
}

// A file's record (exports and the overview), kept until the file is done.
const pendingRecords = new WeakMap();
function setRecord(card, record) { pendingRecords.set(card, record); }

// Files given while the checker is still loading wait for it (a slow line can
// take 20 s for the models); if it cannot start, their cards say why.
let queue = Promise.resolve();
let filesGiven = 0;
const recordOrder = new WeakMap(); // record -> the order its file was given in
function addRecord(card, order, ms) {
  const record = pendingRecords.get(card);
  if (!record) return;
  recordOrder.set(record, order);
  const at = (list, of) => { let i = list.length; while (i > 0 && recordOrder.get(of(list[i - 1])) > order) i -= 1; return i; };
  state.records.splice(at(state.records, (r) => r), 0, record);
  state.overview.splice(at(state.overview, (o) => o.record), 0, { record, cardId: card.id, ms });
}
function handleFiles(files) {
  const photos = [...files].filter((f) => !isVideoFile(f)).length;
  for (const file of files) {
    const card = newCard(file.name);
    const order = filesGiven++;
    card.dataset.verdict = 'pending';
    if (!state.checker) $('.verdict', card).textContent = 'Waiting for the checker to load…';
    $('.export-png', card).onclick = () => savePng($('.view', card), file.name, card);
    const isVideo = isVideoFile(file);
    const run = async (checker) => {
      const meta = { sha256: await sha256Of(file), checked_at: new Date().toISOString() };
      const started = performance.now();
      await (isVideo ? checkVideoFile(file, card, meta) : checkImageFile(file, card, meta, checker));
      addRecord(card, order, performance.now() - started);
    };
    queue = queue.then(() => checkerReady).then(async () => {
      if (isVideo) {
        await Promise.allSettled([...pool.jobs]);
        await run(state.checker);
        return;
      }
      if (photos > 1) await growPool();
      const checker = await acquire();
      const job = run(checker).catch((e) => showError(card, e.message)).finally(() => { release(checker); updateExports(); });
      pool.jobs.add(job);
      job.finally(() => pool.jobs.delete(job));
    })
      .catch((e) => showError(card, e.message))
      .finally(updateExports);
  }
}

// The file's SHA-256 (hex), so an export names exactly what was checked; null
// when the browser cannot hash here (no secure context) or the file is over
// 512 MB (the Web Crypto API hashes one buffer: the whole file in memory).
async function sha256Of(file) {
  if (!globalThis.crypto?.subtle || file.size > 512e6) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The overview table above the cards: one row per checked file, sortable,
// each linking to its card.
const OVERVIEW_COLUMNS = [
  ['file', 'File', (o) => o.record.file],
  ['type', 'Type', (o) => o.record.type],
  ['found', 'Faces / people', (o) => (o.record.error ? -1 : o.record.type === 'video' ? (o.record.people ?? []).length : o.record.faces_found)],
  ['verdict', 'Verdict', (o) => (o.record.error ? 'Error' : WORDING[o.record.verdict] ?? o.record.verdict)],
  ['score', 'P(fake)', (o) => o.record.score ?? -1],
  ['ms', 'Time', (o) => o.ms],
];
function renderOverview() {
  const table = $('#overview');
  table.hidden = state.overview.length === 0;
  const { key, dir } = state.sort;
  const rows = state.overview.map((o, order) => ({ o, order }));
  const value = OVERVIEW_COLUMNS.find(([k]) => k === key)?.[2];
  rows.sort((a, b) => {
    if (!value) return a.order - b.order;
    const va = value(a.o), vb = value(b.o);
    return dir * (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) || a.order - b.order;
  });
  const head = $('thead tr', table);
  head.textContent = '';
  for (const [k, label] of OVERVIEW_COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.setAttribute('aria-sort', k === key ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: label, className: 'sort' });
    button.onclick = () => { state.sort = { key: k, dir: k === key ? -dir : 1 }; renderOverview(); };
    th.append(button);
    head.append(th);
  }
  const body = $('tbody', table);
  body.textContent = '';
  for (const { o } of rows) {
    const r = o.record;
    const tr = document.createElement('tr');
    const link = Object.assign(document.createElement('a'), { href: `#${o.cardId}`, textContent: r.file });
    const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
    const found = r.error ? '–' : r.type === 'video' ? count((r.people ?? []).length, 'person', 'people') : count(r.faces_found, 'face', 'faces');
    const verdict = r.error ? 'Error' : WORDING[r.verdict] ?? r.verdict;
    const cells = [link, r.type, found, verdict, r.score !== null && r.score !== undefined ? `${Math.round(r.score * 100)}%` : '–',
      `${(o.ms / 1000).toFixed(1)} s`];
    cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.append(c);
      if (i === 3 && !r.error) td.className = `verdict ${r.verdict}`;
      tr.append(td);
    });
    body.append(tr);
  }
}

// The export buttons work only when there is something to export.
function updateExports() {
  renderOverview();
  const none = state.records.length === 0;
  for (const id of ['#export-json', '#export-csv']) {
    $(id).disabled = none;
    $(id).title = none ? 'Check a photo or video first' : '';
  }
}

// The video sampling rate, within the field's bounds.
const samplingFps = () => boundedNumber($('#fps'), 2);

// ---------------------------------------------------------------- webcam

async function toggleWebcam() {
  const button = $('#webcam-toggle');
  if (!state.checker) {
    $('#webcam').hidden = false;
    $('#webcam-status').textContent = 'The checker is still loading; start the webcam once it is ready.';
    return;
  }
  if (state.webcam) {
    state.webcam.stop();
    state.webcam = null;
    button.textContent = 'Start webcam';
    $('#webcam').hidden = true;
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (e) {
    $('#webcam').hidden = false;
    $('#webcam-status').textContent = `The webcam is not available: ${e.message}`;
    return;
  }
  const video = $('#webcam-video'), overlay = $('#webcam-overlay'), status = $('#webcam-status');
  video.srcObject = stream;
  await video.play();
  $('#webcam').hidden = false;
  button.textContent = 'Stop webcam';
  const recent = [];
  const scale = new LiveDetectionScale(); // large webcam faces: detect on a smaller frame
  let done = 0, since = performance.now(), fps = 0; // fps: 0 until a second has been measured
  const live = checkLive(state.checker, video, {
    options: () => scale.options(video.videoWidth, video.videoHeight, options()),
    onResult: (result) => {
      scale.update(result);
      done++;
      const now = performance.now();
      if (now - since > 1000) { fps = (1000 * done) / (now - since); done = 0; since = now; }
      overlay.width = result.width;
      overlay.height = result.height;
      const ctx = overlay.getContext('2d');
      ctx.clearRect(0, 0, overlay.width, overlay.height);
      drawOverlay(ctx, result);
      if (result.score !== null) recent.push(result.score);
      if (recent.length > 30) recent.shift();
      const rolling = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
      // One word for the last 30 frames (the band of their mean), not each frame's, which flickers.
      const band = bandOf(result.bands, rolling);
      status.textContent = `${result.faces_found} face(s) · last ${recent.length} scored frames: ${band ? `${WORDING[band]} · P(fake) ${(rolling * 100).toFixed(0)}%` : 'no face scored yet'} · ${fps ? fps.toFixed(1) : '…'} frames/s`;
      document.body.dataset.webcamFrames = String(Number(document.body.dataset.webcamFrames ?? 0) + 1);
    },
  });
  state.webcam = { stop() { live.stop(); stream.getTracks().forEach((t) => t.stop()); video.srcObject = null; } };
}

// ---------------------------------------------------------------- export

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// `text` in lines no wider than `width` at ctx's font, broken after "; " (the
// version lists the models so; fillText would squeeze one long line).
function breakAtSemicolons(ctx, text, width) {
  const lines = [];
  for (const part of text.split(/(?<=; )/)) {
    if (lines.length && ctx.measureText(lines[lines.length - 1] + part).width <= width) lines[lines.length - 1] += part;
    else lines.push(part);
  }
  return lines;
}

// The shown picture with a caption strip: file name (and for a video the
// time of the frame shown), the card's verdict, the legend, the checker's
// version and the time of saving.
function savePng(canvas, name, card) {
  const px = Math.max(1, canvas.width / 900);
  const at = card.dataset.shownTime !== undefined ? ` — frame at ${Number(card.dataset.shownTime).toFixed(1)} s` : '';
  const out = document.createElement('canvas');
  out.width = canvas.width;
  const ctx = out.getContext('2d');
  const font = `${Math.round(13 * px)}px sans-serif`;
  ctx.font = font;
  const lines = [`${name}${at} — ${$('.verdict', card).textContent}`,
    'Box label: P(fake). Blue points: jaw line; orange: central face (brows, nose, mouth corners); grey: used by neither pose.',
    'Solid axes: whole-face head pose; dashed: central-face pose.',
    ...breakAtSemicolons(ctx, state.checker?.version() ?? 'posecheck', out.width - 12 * px),
    `saved ${new Date().toISOString()} · weak evidence, not proof`];
  const lineH = Math.round(18 * px);
  out.height = canvas.height + lineH * lines.length + Math.round(8 * px); // resizing resets the context's font
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  ctx.fillStyle = '#1d1d1f';
  ctx.font = font;
  lines.forEach((l, i) => ctx.fillText(l, 6 * px, canvas.height + lineH * (i + 1), out.width - 12 * px));
  out.toBlob((blob) => download(`${name.replace(/\.[^.]*$/, '')}-posecheck.png`, blob), 'image/png');
}

// One row per face (per frame for videos), and for each video one row for
// its overall result and one per person.
function csvRows() {
  const rows = [['file', 'sha256', 'type', 'time_s', 'face', 'status', 'reason', 'p_fake', 'band', 'pose_p_fake', 'blend_p_fake',
    'combined_p_fake', 'blend_ring_to_face_detail', 'rotation_difference_deg', 'cosine_distance', 'verdict', 'score']];
  const blank = (n) => Array(n).fill('');
  const faceRows = (rec, type, time, r) => {
    const head = [rec.file, rec.sha256 ?? '', type, time];
    if (r.error) { rows.push([...head, '', 'error', r.error, ...blank(10)]); return; }
    if (!r.faces.length) rows.push([...head, '', 'no_face', ...blank(9), r.verdict, '']);
    r.faces.forEach((f, i) => rows.push([...head, i + 1, f.status, f.reason, f.p_fake ?? '', f.band ?? '', f.pose_p_fake ?? '',
      f.blend_p_fake ?? '', f.combined_p_fake ?? '', f.blend?.ok ? f.blend.ring_to_face_detail : '', f.rotation_difference_deg ?? '',
      f.cosine_distance ?? '', r.verdict, r.score ?? '']));
  };
  for (const rec of state.records) {
    if (rec.type === 'video' && rec.frames) {
      rows.push([rec.file, rec.sha256 ?? '', 'video', '', '', 'overall', `${rec.frames_analysed} frames analysed`, ...blank(8), rec.verdict, rec.score ?? '']);
      for (const p of rec.people ?? []) {
        rows.push([rec.file, rec.sha256 ?? '', 'video', '', `person ${p.id}`, 'person', `seen in ${p.frames_seen} frames${p.main ? '' : ' (briefly)'}`,
          p.score ?? '', p.band ?? '', ...blank(6), '', '']);
      }
      rec.frames.forEach((f) => faceRows(rec, 'video', f.time_s, f));
    } else {
      faceRows(rec, rec.type, '', rec);
    }
  }
  const cell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------- wiring

function wire() {
  const drop = $('#dropzone');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); handleFiles([...e.dataTransfer.files]); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') $('#file-input').click(); });
  $('#file-input').addEventListener('change', (e) => { handleFiles([...e.target.files]); e.target.value = ''; });
  $('#webcam-toggle').addEventListener('click', toggleWebcam);
  // Each result carries its file's SHA-256, when it was checked, the model hashes (`models`) and what its
  // bands mean (`bands`, measured on people the model never saw).
  $('#export-json').addEventListener('click', () => download('posecheck-results.json',
    new Blob([JSON.stringify({ exported_at: new Date().toISOString(), version: state.checker?.version(), results: state.records }, null, 1)],
      { type: 'application/json' })));
  $('#export-csv').addEventListener('click', () => download('posecheck-results.csv', new Blob([csvRows()], { type: 'text/csv' })));
  $('#clear').addEventListener('click', () => { $('#results').textContent = ''; state.records.length = 0; state.overview.length = 0; updateExports(); });
  $('#fps').addEventListener('change', samplingFps);
  updateExports();
}

wire();
const checkerReady = load();
checkerReady.catch(() => {}); // shown in the loading status; queued files show it on their cards

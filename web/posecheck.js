// posecheck's JavaScript API, shaped like MediaPipe's tasks:
//   const checker = await PoseChecker.create();            // default models
//   const result = await checker.checkImage(imageElement);  // fields as the CLI's JSON
//   const live = await checker.checkVideoFrame(video, performance.now()); // null if dropped
//   checker.close();
// All WebAssembly work runs in a Web Worker; pixels are transferred, not copied.
import { PoseCheckError, DEFAULT_OPTIONS, FULL_SCAN_SECONDS, fullScanEveryAt } from './engine.js';

export { PoseCheckError, DEFAULT_OPTIONS, FULL_SCAN_SECONDS, fullScanEveryAt };

const here = (path) => new URL(path, import.meta.url).href;

/**
 * dlib's full 68-point landmark model (99.7 MB), selectable instead of the
 * compact default: PoseChecker.create({ ...FULL_LANDMARK_MODEL }). The page
 * built by `npm run build` serves it from dist/models/; the npm package and
 * the extension leave it out (12 MB limit), so there pass its bytes or URL:
 * PoseChecker.create({ ...FULL_LANDMARK_MODEL, landmarkModel: bytes }).
 */
export const FULL_LANDMARK_MODEL = Object.freeze({
  landmarkModel: here('./dist/models/shape_predictor_68_face_landmarks.dat'),
  landmarkSha256: 'fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f',
});

/**
 * The default models, shipped in the package (see models/README.md). The
 * landmark model is the compact derivative of dlib's (9.3 MB, 4-bit leaves;
 * deviation and AUROC figures in docs/results.md).
 */
export const DEFAULT_MODELS = Object.freeze({
  moduleUrl: here('./dist/posecheck.mjs'),
  wasmUrl: here('./dist/posecheck.wasm'),
  landmarkModel: here('./dist/models/landmarks68.pclm'),
  landmarkSha256: '5f6977bb70e65606436938cb17d9d43f26246b36381852c68c7bb09bdf828048',
  faceModel: here('./dist/models/face3d.txt'),
  classifier: here('./dist/models/classifier.txt'),
  trackClassifier: here('./dist/models/track_classifier.txt'),
  blendClassifier: here('./dist/models/blend_classifier.txt'),
  combination: here('./dist/models/combination.txt'),
});

// Marks pixels made by framePixels, whose buffer no one else holds.
const OWN_PIXELS = Symbol('posecheck.ownPixels');

// A video frame's RGBA pixels as {rgba, width, height}, copied straight out
// of the VideoFrame (`copyTo` converts to RGBA; on the bench clips' decoded
// frames, idle machine: 7 ms at 640x480 and 38 ms at 1080p, where drawing the
// frame into a canvas and reading it back took 20 and 92 ms; same pixels,
// measured equal). `image` is a VideoFrame
// (it stays the caller's) or a <video> element (its current frame). Null
// where the browser cannot (no VideoFrame, no RGBA conversion) or where the
// frame's pixels are not width x height or need turning (non-square pixels, a
// rotation to apply): the caller then draws the frame.
// The pixels are the caller's own copy: given to checkImage or a video's
// addFrame, their buffer moves to the worker (no second copy; it is then
// detached here), where other {rgba, width, height} objects are copied.
export async function framePixels(image, width, height) {
  if (typeof VideoFrame === 'undefined') return null;
  let frame = null;
  try {
    frame = image instanceof VideoFrame ? image : new VideoFrame(image, { timestamp: 0 });
    const rect = frame.visibleRect;
    if (!rect || frame.rotation || frame.flip || rect.width !== width || rect.height !== height || frame.displayWidth !== width || frame.displayHeight !== height) return null;
    const rgba = new Uint8ClampedArray(width * height * 4);
    await frame.copyTo(rgba, { rect, format: 'RGBA' });
    return { rgba, width, height, [OWN_PIXELS]: true };
  } catch {
    return null;
  } finally {
    if (frame && frame !== image) frame.close();
  }
}

function checkFrameIndex(frameIndex) {
  if (!Number.isInteger(frameIndex) || frameIndex < 0) {
    throw new PoseCheckError('invalid_argument', 'frameIndex must be a whole number >= 0');
  }
}

export class PoseChecker {
  #worker;
  #nextId = 1;
  #pending = new Map();
  #version = '';
  #loadTimes = null;
  #frameInFlight = false;
  #closed = false;

  /**
   * Loads the module and models in a new worker.
   * @param {Partial<typeof DEFAULT_MODELS> & {workerUrl?: string}} [options]
   *   URLs, or bytes (Uint8Array/ArrayBuffer) for the landmark model, text for the others.
   */
  static async create(options = {}) {
    const checker = new PoseChecker();
    const workerUrl = options.workerUrl ?? here('./worker.js');
    checker.#worker = new Worker(workerUrl, { type: 'module' });
    checker.#worker.onmessage = ({ data }) => checker.#settle(data);
    checker.#worker.onerror = (e) => checker.#failAll(new PoseCheckError('internal', `worker failed: ${e.message}`));
    const init = { ...DEFAULT_MODELS, ...options };
    delete init.workerUrl;
    // The default combination needs both classifiers: without one ('' given), it is left out too
    // (a combination given explicitly is still loaded, and refused with a clear error).
    if (!('combination' in options) && (init.classifier === '' || init.blendClassifier === '')) init.combination = '';
    const transfer = init.landmarkModel instanceof ArrayBuffer ? [init.landmarkModel] : [];
    const { version, loadTimes } = await checker.#call({ type: 'init', options: init }, transfer);
    checker.#version = version;
    checker.#loadTimes = loadTimes;
    return checker;
  }

  /**
   * Milliseconds the worker spent compiling the module (moduleMs) and loading
   * the models (modelsMs: copy into the heap and parse), of which the landmark
   * model (landmarkModelMs: SHA-256 and parse) and the rest (othersMs).
   */
  loadTimes() {
    return this.#loadTimes;
  }

  /** The module's version and the loaded models' formats and hash prefixes (web/posecheck.d.ts). */
  version() {
    return this.#version;
  }

  /**
   * Checks a still image.
   * @param {ImageData|ImageBitmap|HTMLImageElement|HTMLCanvasElement|HTMLVideoElement|VideoFrame|OffscreenCanvas} source
   * @param {Partial<typeof DEFAULT_OPTIONS>} [options]
   */
  async checkImage(source, options = {}) {
    const message = await this.#pixelsMessage(source);
    return this.#call({ type: 'check', options, ...message.data }, message.transfer);
  }

  /**
   * Checks a video or webcam frame. Resolves null when a previous frame is
   * still being analysed (the frame is dropped, not queued).
   */
  async checkVideoFrame(source, timestampMs, options = {}) {
    if (this.#frameInFlight) return null;
    this.#frameInFlight = true;
    try {
      const result = await this.checkImage(source, options);
      return { ...result, timestamp_ms: timestampMs };
    } finally {
      this.#frameInFlight = false;
    }
  }

  /**
   * Starts checking a recorded video: frames given to the returned session
   * are linked into people (one verdict per person; core/person_tracks.h).
   * One video at a time per checker; beginning another discards the first.
   *   const video = await checker.beginVideo();
   *   for (...) await video.addFrame(videoElement, frameIndex);
   *   const { people, verdict, score } = await video.finish();
   * With `helpers` (other PoseCheckers, each its own worker, with the same
   * models), the frames are checked side by side: see #videoOnSeveral. Frames
   * may then be given without waiting for the one before (keep about two per
   * checker in flight); each addFrame resolves with its own frame's result.
   * @param {{helpers?: PoseChecker[]}} [options]
   */
  async beginVideo({ helpers = [] } = {}) {
    if (!Array.isArray(helpers) || new Set(helpers).size !== helpers.length ||
        helpers.some((h) => !(h instanceof PoseChecker) || h === this || h.#closed)) {
      throw new PoseCheckError('invalid_argument', "a video's helpers must be other PoseCheckers, open, each given once");
    }
    if (helpers.some((h) => h.#version !== this.#version)) {
      throw new PoseCheckError('invalid_argument', `a video's helpers must have loaded the same models as its checker (${this.#version})`);
    }
    await this.#call({ type: 'beginVideo' });
    if (helpers.length) return this.#videoOnSeveral([this, ...helpers]);
    return {
      /** Checks a frame (as checkImage) and adds it; frame indices must increase. */
      addFrame: async (source, frameIndex, options = {}) => {
        checkFrameIndex(frameIndex);
        const message = await this.#pixelsMessage(source);
        return this.#call({ type: 'check', options, frameIndex, ...message.data }, message.transfer);
      },
      /** The people of the video and its verdict (fields as the CLI's video JSON). */
      finish: () => this.#call({ type: 'endVideo' }),
    };
  }

  // A video on several checkers (issue 16, "use the cores"). The frames are
  // dealt out in runs of fullScanEvery consecutive frames, each run to the
  // checker with the fewest frames in flight; a checker looks for faces in a
  // run with a tracker of its own, started afresh (a whole-frame scan) at
  // the run's first frame. Runs start on frames 0, fullScanEvery,
  // 2 x fullScanEvery, ..., where a single checker scans the whole frame
  // anyway (the core's fixed schedule), so each frame's result is the one a
  // single checker gives. Every result then goes, in frame order, to this
  // checker (`checkers[0]`), which links the faces into people: the same
  // people, scores and verdict as on one checker (tests/node/
  // video_people.test.mjs, tests/browser/video_decoding.test.mjs). A frame
  // whose check fails is left out of the people, as on one checker.
  #videoOnSeveral(checkers) {
    const inFlight = new Map(checkers.map((c) => [c, 0]));
    const settled = []; // by position among the frames given: {frameIndex, result}, result null when the check failed
    const checks = [];
    let given = 0, lastIndex = -1, runOwner = null, linked = 0, linkError = null, posting = Promise.resolve();
    const links = [];
    const link = () => {
      for (; linked < given && settled[linked]; linked += 1) {
        const { frameIndex, result } = settled[linked];
        settled[linked] = null; // linked: not kept here
        if (result) links.push(this.#call({ type: 'addFrameResult', frameIndex, result }).catch((e) => { linkError ??= e; }));
      }
    };
    return {
      /** Checks a frame (as checkImage) on one of the checkers and links it; frame indices must increase. */
      addFrame: (source, frameIndex, options = {}) => {
        try {
          checkFrameIndex(frameIndex);
          if (frameIndex <= lastIndex) throw new PoseCheckError('invalid_argument', 'video frames must be added in order');
        } catch (e) {
          return Promise.reject(e);
        }
        lastIndex = frameIndex;
        const position = given++;
        const every = Math.max(1, Math.floor(options.fullScanEvery ?? DEFAULT_OPTIONS.fullScanEvery));
        const startsRun = runOwner === null || position % every === 0;
        if (startsRun) runOwner = checkers.reduce((best, c) => (inFlight.get(c) < inFlight.get(best) ? c : best));
        const checker = runOwner;
        inFlight.set(checker, inFlight.get(checker) + 1);
        // Frames are posted in the order given, whichever source's pixels are ready first: a checker's
        // frames of one run must reach it in time order.
        const pixels = this.#pixelsMessage(source);
        const message = posting.then(() => pixels);
        posting = message.catch(() => {});
        const check = (async () => {
          try {
            const { data, transfer } = await message;
            const result = await checker.#call({ type: 'check', options, frameIndex, startsRun, run: true, ...data }, transfer);
            settled[position] = { frameIndex, result };
            return result;
          } catch (e) {
            settled[position] = { frameIndex, result: null };
            throw e;
          } finally {
            inFlight.set(checker, inFlight.get(checker) - 1);
            link();
          }
        })();
        checks.push(check.catch(() => {}));
        return check;
      },
      /** Once every frame given is checked and linked: the people of the video and its verdict. */
      finish: async () => {
        await Promise.all(checks);
        await Promise.all(links);
        if (linkError) throw linkError;
        return this.#call({ type: 'endVideo' });
      },
    };
  }

  /** Stops the worker; pending calls are rejected. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#failAll(new PoseCheckError('closed', 'the checker was closed'));
  }

  async #pixelsMessage(source) {
    if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
      const rgba = new Uint8ClampedArray(source.data); // copy: the caller keeps its ImageData
      return { data: { rgba: rgba.buffer, width: source.width, height: source.height }, transfer: [rgba.buffer] };
    }
    if (source && source.rgba && source.width && source.height) { // {rgba, width, height}
      const own = source[OWN_PIXELS] && source.rgba.byteOffset === 0 && source.rgba.byteLength === source.rgba.buffer.byteLength;
      const rgba = own ? source.rgba : new Uint8ClampedArray(source.rgba);
      return { data: { rgba: rgba.buffer, width: source.width, height: source.height }, transfer: [rgba.buffer] };
    }
    // A video's frame: copied out as RGBA where the browser can (framePixels).
    const isVideoFrame = typeof VideoFrame !== 'undefined' && source instanceof VideoFrame;
    const isVideoElement = typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement;
    if (isVideoFrame || isVideoElement) {
      const [width, height] = isVideoFrame ? [source.displayWidth, source.displayHeight] : [source.videoWidth, source.videoHeight];
      const pixels = width && height ? await framePixels(source, width, height) : null;
      if (pixels) return { data: { rgba: pixels.rgba.buffer, width, height }, transfer: [pixels.rgba.buffer] };
    }
    let bitmap;
    try {
      bitmap = source instanceof ImageBitmap ? source : await createImageBitmap(source);
    } catch (e) {
      throw new PoseCheckError('image_decode', `cannot read pixels from this source: ${e.message}`);
    }
    return { data: { bitmap }, transfer: [bitmap] };
  }

  #call(message, transfer = []) {
    if (this.#closed) return Promise.reject(new PoseCheckError('closed', 'the checker was closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  #settle({ id, result, error }) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (error) pending.reject(new PoseCheckError(error.code, error.message));
    else pending.resolve(result);
  }

  #failAll(error) {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

/**
 * Checks a live <video> (a webcam) frame after frame with `checker`: each
 * frame the camera presents is checked as soon as the previous result is
 * back, not at the next animation frame (which left the worker idle for up
 * to a display frame per check); no frame is checked twice and none queue.
 * `options()` gives each check's options; `onResult(result)` gets each
 * result; `onError(error)` each failure (default: logged). Returns {stop()}.
 */
export function checkLive(checker, video, { options = () => ({}), onResult, onError = (e) => console.error('posecheck:', e) }) {
  let running = true, presented = 0, taken = 0, busy = false;
  const check = async () => {
    if (!running || busy || !video.videoWidth || presented === taken) return;
    busy = true;
    taken = presented;
    try {
      const result = await checker.checkVideoFrame(video, performance.now(), options());
      if (result && running) onResult(result);
    } catch (e) {
      if (running) onError(e);
    } finally {
      busy = false;
    }
    check(); // a frame presented meanwhile
  };
  // Counts presented frames: requestVideoFrameCallback where the browser has
  // it, else animation frames.
  const watch = typeof video.requestVideoFrameCallback === 'function'
    ? (f) => video.requestVideoFrameCallback(f) : (f) => requestAnimationFrame(f);
  const onFrame = () => {
    if (!running) return;
    presented += 1;
    watch(onFrame);
    check();
  };
  watch(onFrame);
  return { stop() { running = false; } };
}

/**
 * Detection scale for live video (webcam). dlib's HOG detector costs in
 * proportion to the pixels it scans and finds faces from about 80 px; a face
 * in a webcam frame is usually several times larger. So each frame is
 * scanned at the smallest size that keeps the face seen last at least 1.5x
 * that minimum (never under `minSide` px on the longer side), and at full
 * resolution when no face was seen. Landmarks and poses still use the full
 * frame. For recorded video and photos keep full resolution: results then
 * match the command line tool exactly.
 *
 *   const scale = new LiveDetectionScale();
 *   const result = await checker.checkVideoFrame(video, t, scale.options(video.videoWidth, video.videoHeight));
 *   if (result) scale.update(result);
 */
export class LiveDetectionScale {
  static DETECTOR_MIN_FACE_PX = 80;
  #lastFaceHeight = 0; // full-resolution px of the smallest face last seen; 0 = none
  #minSide;

  constructor({ minSide = 320 } = {}) {
    this.#minSide = minSide;
  }

  /** Check options for the next frame: `base` plus a maxDetectionSide. */
  options(width, height, base = {}) {
    const longer = Math.max(width, height);
    if (base.upsample || !this.#lastFaceHeight || !(longer > this.#minSide)) return { ...base };
    const wanted = (longer * 1.5 * LiveDetectionScale.DETECTOR_MIN_FACE_PX) / this.#lastFaceHeight;
    const side = Math.ceil(Math.max(this.#minSide, wanted));
    return side >= longer ? { ...base } : { ...base, maxDetectionSide: side };
  }

  /** Records the faces of a frame's result. */
  update(result) {
    const heights = (result?.faces ?? []).map((f) => f.box.bottom - f.box.top);
    this.#lastFaceHeight = heights.length ? Math.min(...heights) : 0;
  }
}

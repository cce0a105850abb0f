// The engine: the WebAssembly module with its models, as the worker (and the
// Node tests) use it. Converts between JS values and the module's calls and
// turns {ok:false} results into one PoseCheckError. No DOM, no postMessage.

/** An error from the checker, with a machine-readable code (see README). */
export class PoseCheckError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'PoseCheckError';
    this.code = code;
  }
}

/** Defaults of every option, in one place. */
export const DEFAULT_OPTIONS = Object.freeze({
  upsample: 0, // 0 as the paper; 1 finds faces down to ~40 px at 4x the cost
  maxFaces: 16,
  maxDetectionSide: 1600, // larger images are downscaled for detection only
  // Video frames: the whole frame is scanned for faces every this many analysed frames, and in between only
  // around the people already seen (core/person_tracks.h); 1 = every frame whole. 10 suits every frame of a
  // 25 frames/s video; for another rate use fullScanEveryAt(rate).
  fullScanEvery: 10,
});

/** Seconds of video between whole-frame scans for faces (core/person_tracks.h, kFullScanSeconds). */
export const FULL_SCAN_SECONDS = 0.4;

/**
 * fullScanEvery for frames analysed at `fps` per second: a whole-frame scan at least every FULL_SCAN_SECONDS
 * (the core's full_scan_every_at; a test holds them equal). Sparse samples are all scanned whole.
 */
export const fullScanEveryAt = (fps) => (fps > 0 && Number.isFinite(fps) ? Math.max(1, Math.floor(Math.min(fps, 1e6) * FULL_SCAN_SECONDS + 1e-9)) : 1);

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

function unwrap(result) {
  if (!result.ok) throw new PoseCheckError(result.code, result.message);
  delete result.ok;
  return result;
}

async function loadModule(moduleUrl, wasmBinary) {
  if (isNode) {
    // Emscripten 3.1.6's ES module uses CommonJS globals on Node.
    const { createRequire } = await import('node:module');
    const { fileURLToPath } = await import('node:url');
    const path = await import('node:path');
    globalThis.require ??= createRequire(import.meta.url);
    globalThis.__dirname ??= path.dirname(fileURLToPath(moduleUrl));
  }
  const { default: create } = await import(moduleUrl);
  return create(wasmBinary ? { wasmBinary } : {});
}

/**
 * Creates an engine.
 * @param {object} o
 * @param {string} o.moduleUrl URL of posecheck.mjs (posecheck.wasm beside it)
 * @param {Uint8Array} [o.wasmBinary] the .wasm bytes (required on Node)
 * @param {Uint8Array} o.landmarkModel dlib 68-point shape predictor bytes
 * @param {string} [o.landmarkSha256] expected SHA-256 ('' = do not pin)
 * @param {string} o.faceModel 3D face model text (posecheck-face3d 1)
 * @param {string} [o.classifier] classifier text ('' or absent: no P(fake))
 * @param {string} [o.trackClassifier] head-motion (track) classifier text ('' or absent: people in videos
 *   are scored by their frames' mean P(fake) only)
 * @param {string} [o.blendClassifier] blend classifier text (the face against its surroundings; '' or
 *   absent: faces get their P(fake) from the pose cue, the paper's pipeline)
 * @param {string} [o.combination] cue combination text (posecheck-combination 1: both cues' P(fake) combined
 *   as combined_p_fake, and as p_fake when the file says it decides; core/cue_combination.h; needs the very
 *   classifier and blend classifier it names; '' or absent: none)
 */
export async function createEngine(o) {
  const started = performance.now();
  const module = await loadModule(o.moduleUrl, o.wasmBinary);
  const instantiated = performance.now();
  const analyzer = new module.Analyzer();
  const put = (bytes) => {
    const ptr = analyzer.inputBuffer(bytes.length);
    if (ptr < 0) throw new PoseCheckError('image_too_large', `input of ${bytes.length} bytes is over the limit`);
    module.HEAPU8.set(bytes, ptr); // the one copy into the heap
  };
  put(o.landmarkModel);
  const models = unwrap(analyzer.load(o.landmarkModel.length, o.landmarkSha256 ?? '', o.faceModel, o.classifier ?? '',
    o.trackClassifier ?? '', o.blendClassifier ?? '', o.combination ?? ''));
  const loaded = performance.now();
  const { landmark_model_ms: landmarkModelMs, detector_and_others_ms: othersMs } = models.timings;
  delete models.timings;

  const withPixels = (fn) => (rgba, width, height, options = {}) => {
    if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) {
      throw new PoseCheckError('invalid_argument', 'pixels must be a Uint8Array or Uint8ClampedArray of RGBA bytes');
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new PoseCheckError('invalid_argument', `image size ${width}x${height} is not a positive whole size`);
    }
    if (rgba.length !== width * height * 4) {
      throw new PoseCheckError('invalid_argument',
        `pixel buffer holds ${rgba.length} bytes; ${width}x${height} RGBA needs ${width * height * 4}`);
    }
    put(rgba);
    return unwrap(fn(width, height, { ...DEFAULT_OPTIONS, ...options }));
  };

  return {
    models,
    /**
     * Where createEngine's time went (ms): compiling the module; then all the
     * models (copy into the heap and parse), of which the landmark model
     * (SHA-256 and parse) and the rest (3D face, classifier, face detector).
     */
    loadTimes: { moduleMs: instantiated - started, modelsMs: loaded - instantiated, landmarkModelMs, othersMs },
    /** The module's version and the loaded models' formats and hash prefixes (core/checker.h, version_line). */
    version: () => analyzer.version(),
    /** The landmark groups the poses use (core/geometry.h, 0-based): {whole, central}. */
    landmarkGroups: () => module.landmarkGroups(),
    /** The core's default for fullScanEvery (core/person_tracks.h, kDefaultFullScanEvery). */
    defaultFullScanEvery: () => module.defaultFullScanEvery(),
    /** The core's full_scan_every_at(fps) (core/person_tracks.h). */
    fullScanEveryAt: (fps) => module.fullScanEveryAt(fps),
    /** Checks RGBA pixels; returns the result object (fields as the CLI's JSON). */
    check: withPixels((w, h, opt) => analyzer.check(w, h, opt, -1)),
    /** Starts a video: the frames checked with checkVideoFrame until endVideo() are linked into people. */
    beginVideo: () => analyzer.beginVideo(),
    /** As check(), and adds the frame (frameIndex: increasing whole numbers) to the video begun. */
    checkVideoFrame: (rgba, width, height, frameIndex, options = {}) =>
      withPixels((w, h, opt) => analyzer.check(w, h, opt, frameIndex))(rgba, width, height, options),
    /**
     * A video on several engines (web/posecheck.js): as checkVideoFrame, but the frame is only checked, with a
     * tracker of this engine's own for where to look, restarted (a whole-frame scan) when startsRun; runs of
     * fullScanEvery frames starting at frames 0, fullScanEvery, ... give checkVideoFrame's very results.
     * Link the result into people with addFrameResult on the engine whose video was begun.
     */
    checkRunFrame: (rgba, width, height, frameIndex, startsRun, options = {}) =>
      withPixels((w, h, opt) => analyzer.checkRunFrame(w, h, opt, frameIndex, Boolean(startsRun)))(rgba, width, height, options),
    /** Adds a frame's result (from checkRunFrame, here or on another engine) to the video begun; frames in time order. */
    addFrameResult(frameIndex, result) {
      if (!Number.isInteger(frameIndex) || frameIndex < 0) throw new PoseCheckError('invalid_argument', 'frameIndex must be a whole number >= 0');
      if (!Array.isArray(result?.faces) || !Number.isInteger(result.faces_found)) {
        throw new PoseCheckError('invalid_argument', 'a frame result needs faces and faces_found, as checkRunFrame gives them');
      }
      const numbers = [];
      for (const f of result.faces) {
        if (!f?.box || !Array.isArray(f.landmarks) || f.landmarks.length !== 68) {
          throw new PoseCheckError('invalid_argument', 'each face of a frame result needs its box and 68 landmarks');
        }
        numbers.push(...[f.box.left, f.box.top, f.box.right, f.box.bottom].map(Number), f.status === 'ok' ? 1 : 0, Number(f.p_fake ?? NaN));
        for (const point of f.landmarks) numbers.push(Number(point?.[0]), Number(point?.[1]));
      }
      unwrap(analyzer.addFrameResult(frameIndex, result.faces_found, numbers));
    },
    /** Ends the video: {frames_analysed, people, score, verdict, bands, pose_bands, head_motion_bands} (as the CLI's video JSON). */
    endVideo: () => unwrap(analyzer.endVideo()),
    /** One check with per-stage times (ms), for benchmarks. */
    profile: withPixels((w, h, opt) => analyzer.profile(w, h, opt)),
    /**
     * Pose and classifier stages on 68 given landmarks ([[x, y], ...] or 136 numbers). Landmarks carry no
     * pixels: with a blend classifier loaded the face is cannot_judge and only pose_p_fake is given.
     */
    judgeLandmarks(landmarks, width, height) {
      const flat = Array.isArray(landmarks[0]) ? landmarks.flat() : Array.from(landmarks);
      return unwrap(analyzer.judgeLandmarks(flat, width, height)).face;
    },
    /** Bytes of WebAssembly memory (grows, never shrinks). */
    heapBytes: () => module.HEAPU8.length,
    close() {
      analyzer.delete();
    },
  };
}

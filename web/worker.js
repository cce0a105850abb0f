// The Web Worker that owns the WebAssembly module: all checking happens here,
// so the page never blocks. Messages carry ids; pixels arrive as transferred
// ImageBitmaps or RGBA buffers. Protocol: {id, type, ...} -> {id, result} | {id, error}.
import { createEngine, PoseCheckError } from './engine.js';

let engine = null;

async function bytesOf(source, what, { optional = false } = {}) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const response = await fetch(source);
  if (optional && response.status === 404) return new Uint8Array(0);
  if (!response.ok) throw new PoseCheckError('io', `could not load the ${what} from ${source} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

async function textOf(source, what, options) {
  if (source == null || source === '') return '';
  if (typeof source === 'string' && !/^(https?:|blob:|data:|chrome-extension:|\.{0,2}\/)/.test(source)) return source; // inline text
  return new TextDecoder().decode(await bytesOf(source, what, options));
}

function pixelsOf(msg) {
  if (msg.bitmap) {
    const { width, height } = msg.bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(msg.bitmap, 0, 0);
    msg.bitmap.close();
    return { rgba: ctx.getImageData(0, 0, width, height).data, width, height };
  }
  return { rgba: new Uint8ClampedArray(msg.rgba), width: msg.width, height: msg.height };
}

const handlers = {
  async init({ options }) {
    const [wasmBinary, landmarkModel, faceModel, classifier, trackClassifier, blendClassifier, combination] = await Promise.all([
      bytesOf(options.wasmUrl, 'WebAssembly module'),
      bytesOf(options.landmarkModel, 'landmark model'),
      textOf(options.faceModel, '3D face model'),
      // No classifier file (404) means faces get poses but no P(fake).
      textOf(options.classifier, 'classifier', { optional: true }),
      textOf(options.trackClassifier, 'head-motion classifier', { optional: true }),
      textOf(options.blendClassifier, 'blend classifier', { optional: true }),
      textOf(options.combination, 'cue combination', { optional: true }),
    ]);
    engine = await createEngine({
      moduleUrl: options.moduleUrl, wasmBinary, landmarkModel, landmarkSha256: options.landmarkSha256, faceModel, classifier,
      trackClassifier, blendClassifier, combination,
    });
    return { models: engine.models, version: engine.version(), loadTimes: engine.loadTimes };
  },
  check(msg) {
    if (!engine) throw new PoseCheckError('invalid_argument', 'the checker is not initialised');
    const { rgba, width, height } = pixelsOf(msg);
    if (msg.run) return engine.checkRunFrame(rgba, width, height, msg.frameIndex, msg.startsRun, msg.options);
    if (msg.frameIndex !== undefined) return engine.checkVideoFrame(rgba, width, height, msg.frameIndex, msg.options);
    return engine.check(rgba, width, height, msg.options);
  },
  beginVideo() {
    if (!engine) throw new PoseCheckError('invalid_argument', 'the checker is not initialised');
    engine.beginVideo();
    return null;
  },
  addFrameResult({ frameIndex, result }) {
    if (!engine) throw new PoseCheckError('invalid_argument', 'the checker is not initialised');
    engine.addFrameResult(frameIndex, result);
    return null;
  },
  endVideo() {
    if (!engine) throw new PoseCheckError('invalid_argument', 'the checker is not initialised');
    return engine.endVideo();
  },
};

self.onmessage = async ({ data }) => {
  try {
    const result = await handlers[data.type](data);
    self.postMessage({ id: data.id, result });
  } catch (e) {
    self.postMessage({ id: data.id, error: { code: e.code ?? 'internal', message: e.message ?? String(e) } });
  }
};

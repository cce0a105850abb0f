// Reading a picture file into pixels for the checker, in a document (the
// page and the extension's offscreen document; it needs <img>):
//   - pictures over the core's pixel limits are shrunk while decoding, not
//     refused for their size (an 8000 x 8000 photo is checked at 6324 x
//     6324), unless their data does not fill the size their header declares;
//   - pictures createImageBitmap cannot read from bytes but the browser can
//     show are read as the browser draws them: SVGs always, anything else
//     (a JPEG cut short) only when asked (the extension, which checks what a
//     web page shows).
// The limits are the core's (core/image_view.h; tests/node/picture.test.mjs
// holds them equal).

/** core/image_view.h kMaxImagePixels and kMaxImageSide. */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MAX_IMAGE_SIDE = 16384;

/**
 * The size to decode a width x height picture at: itself when within the
 * limits, else the largest size with the same aspect ratio within them.
 */
export function fittedSize(width, height) {
  const scale = Math.min(1, Math.sqrt(MAX_IMAGE_PIXELS / (width * height)), MAX_IMAGE_SIDE / Math.max(width, height));
  if (scale >= 1) return { width, height, scale: 1 };
  const w = Math.max(1, Math.floor(width * scale)), h = Math.max(1, Math.floor(height * scale));
  return { width: w, height: h, scale: w / width };
}

// The picture as the browser shows it, and its natural size, from the
// header alone (Chrome decodes an <img>'s pixels only when drawn), at `url`.
async function imageElement(url) {
  const img = new Image();
  img.decoding = 'async';
  await new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new Error('not an image this browser can show'));
    img.src = url;
  });
  return img;
}

// Whether a decoded picture has data down to its last rows: a file whose
// header declares more pixels than its data holds (a decompression bomb, a
// file cut short) decodes with its missing rows in one flat colour. Checked
// where it matters, for pictures large enough to be shrunk: a bottom eighth
// of identical pixels there means the data ran out. (Only the rows are read.)
function fillsItsPicture(bitmap) {
  const rows = Math.max(1, Math.floor(bitmap.height / 8));
  const canvas = new OffscreenCanvas(bitmap.width, rows);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, bitmap.height - rows, bitmap.width, rows, 0, 0, bitmap.width, rows);
  const d = ctx.getImageData(0, 0, bitmap.width, rows).data;
  for (let i = 4; i < d.length; i += 4) {
    if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true;
  }
  return false;
}

// An SVG drawing, by its type or its first bytes.
async function isSvg(blob) {
  if (/^image\/svg\+xml\b/i.test(blob.type)) return true;
  const head = (await blob.slice(0, 256).text()).trimStart();
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(head);
}

/**
 * Decodes `blob` for checking. readAsShown: when the bytes cannot be decoded,
 * 'svg' reads an SVG drawing as the browser draws it and refuses anything
 * else (the page: a user's own file that does not decode is corrupt, and
 * saying so is the honest answer); 'any' reads whatever the browser can show
 * (the extension: the picture a web page shows, e.g. a JPEG cut short).
 * Ensures: {bitmap, width, height, original: {width, height}, scale, asShown},
 * with bitmap.width * bitmap.height <= MAX_IMAGE_PIXELS and each side <=
 * MAX_IMAGE_SIDE; scale < 1 when it was shrunk; asShown when the bytes could
 * not be decoded and the pixels are those the browser draws (an SVG, the
 * part of a truncated file that arrived). Throws an Error with
 * code 'image_decode' when the browser can neither decode nor show it.
 */
export async function decodePicture(blob, { readAsShown = 'svg' } = {}) {
  const url = URL.createObjectURL(blob); // the <img>'s source, until the pixels are read
  try {
    return await decode(blob, url, readAsShown);
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function decode(blob, url, readAsShown) {
  let img;
  try {
    img = await imageElement(url);
  } catch (e) {
    throw Object.assign(new Error('this is not an image the browser can decode'), { code: 'image_decode' });
  }
  const natural = { width: img.naturalWidth, height: img.naturalHeight };
  if (!natural.width || !natural.height) { // an SVG without a size of its own
    natural.width = img.width || 300;
    natural.height = img.height || 150;
  }
  const fit = fittedSize(natural.width, natural.height);
  const resize = fit.scale < 1 ? { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' } : {};
  let bitmap, asShown = false;
  try {
    bitmap = await createImageBitmap(blob, resize); // from the bytes: the decoder may shrink while decoding
    if (fit.scale < 1 && !fillsItsPicture(bitmap)) {
      bitmap.close();
      throw Object.assign(new Error(`this file declares ${natural.width}×${natural.height} px but its data does not fill them ` +
        '(corrupt or cut short)'), { code: 'image_decode', final: true });
    }
  } catch (e) {
    if (e.final) throw e;
    // Not decodable from the bytes alone (an SVG, a truncated file): the
    // pixels the browser draws for it, where that is asked for.
    if (readAsShown !== 'any' && !(await isSvg(blob))) {
      throw Object.assign(new Error('this is not an image the browser can decode (it may be corrupt or cut short)'), { code: 'image_decode' });
    }
    try {
      const canvas = new OffscreenCanvas(fit.width, fit.height);
      canvas.getContext('2d').drawImage(img, 0, 0, fit.width, fit.height);
      bitmap = canvas.transferToImageBitmap();
      asShown = true;
    } catch (e) {
      throw Object.assign(new Error(`this image cannot be read into pixels (${e.message})`), { code: 'image_decode' });
    }
  }
  return { bitmap, width: bitmap.width, height: bitmap.height, original: natural, scale: fit.scale, asShown };
}

// Reading a picture file into pixels for the checker, in a document (the
// page and the extension's offscreen document; it needs <img>):
//   - pictures over the core's pixel limits are shrunk while decoding, never
//     refused (an 8000 x 8000 photo is checked at 6324 x 6324);
//   - pictures createImageBitmap cannot read from bytes but the browser can
//     show (SVG, a truncated JPEG) are read as the browser draws them.
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
// header alone (Chrome decodes an <img>'s pixels only when drawn).
async function imageElement(blob) {
  const url = URL.createObjectURL(blob);
  const img = new Image();
  img.decoding = 'async';
  try {
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error('not an image this browser can show'));
      img.src = url;
    });
    return img;
  } finally {
    // The element keeps what it loaded; drawing it later does not need the URL.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/**
 * Decodes `blob` for checking.
 * Ensures: {bitmap, width, height, original: {width, height}, scale, asShown},
 * with bitmap.width * bitmap.height <= MAX_IMAGE_PIXELS and each side <=
 * MAX_IMAGE_SIDE; scale < 1 when it was shrunk; asShown when the bytes could
 * not be decoded and the pixels are those the browser draws (an SVG, the
 * part of a truncated file that arrived). Throws an Error with
 * code 'image_decode' when the browser can neither decode nor show it.
 */
export async function decodePicture(blob) {
  let img;
  try {
    img = await imageElement(blob);
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
  } catch {
    // Not decodable from the bytes alone (an SVG, a truncated file): the
    // pixels the browser draws for it.
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

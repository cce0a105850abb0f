// Drawing the explanation: face boxes, the central landmarks (the region a
// face swap replaces) and the outer ones in two colours, and both head poses
// as projected 3D axes, so the disagreement is visible. Shared by the page
// and the extension. Pure canvas 2D; no state.

import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './picture.js';

export const COLORS = Object.freeze({
  central: '#ff8c1a', // landmarks 18-36, 49, 55 and the central-face pose
  outer: '#2ec4ff', // the jaw line (landmarks 1-17), the rest of the whole face; the whole-face pose
  unused: '#9aa0a6', // eyes and lips (37-48, 50-54, 56-68): in neither pose
  box: { little_evidence: '#2e9e4f', uncertain: '#d4a106', substantial_evidence: '#d7263d', cannot_judge: '#8a8a8a', not_scored: '#6b7280' },
  // Label text on each box colour with a contrast of at least 4.5:1 (WCAG AA).
  label: { little_evidence: '#000', uncertain: '#000', substantial_evidence: '#fff', cannot_judge: '#000', not_scored: '#fff' },
});

// The landmark groups of core/geometry.h, here because the overlay draws on
// the page's main thread, where the module does not run; the module exports
// the core's own (engine landmarkGroups()) and tests/node/overlay.test.mjs
// holds the two equal.
/** 0-based indices of the paper's central face: points 18-36, 49, 55. */
export const CENTRAL = new Set([...Array.from({ length: 19 }, (_, i) => 17 + i), 48, 54]);
/** 0-based indices of the paper's whole face: points 1-36, 49, 55 (the central face and the jaw line). */
export const WHOLE = new Set([...Array.from({ length: 36 }, (_, i) => i), 48, 54]);

/** Projects a camera-frame point (mm) with a face's camera ({fx, fy, cx, cy}, as the result gives it). */
export function project(p, camera) {
  return [(camera.fx * p[0]) / p[2] + camera.cx, (camera.fy * p[1]) / p[2] + camera.cy];
}

/** The endpoints of a pose's axes: origin and x, y, z tips, in image pixels (camera: the face's `camera`). */
export function poseAxes(pose, camera, lengthMm = 60) {
  const R = pose.rotation_matrix, t = pose.translation;
  const at = (v) => [t[0] + R[0] * v[0] + R[1] * v[1] + R[2] * v[2], t[1] + R[3] * v[0] + R[4] * v[1] + R[5] * v[2],
    t[2] + R[6] * v[0] + R[7] * v[1] + R[8] * v[2]];
  // The model's z axis points to the back of the head: draw -z, the facing direction.
  return {
    origin: project(at([0, 0, 0]), camera),
    tips: [[lengthMm, 0, 0], [0, lengthMm, 0], [0, 0, -lengthMm]].map((v) => project(at(v), camera)),
  };
}

/** A face's evidence word: a band, cannot_judge, or not_scored (no classifier). */
export function faceBand(face) {
  if (face.status !== 'ok') return 'cannot_judge';
  return face.band ?? 'not_scored';
}

/**
 * Draws the overlay of one result onto a canvas context whose size is the
 * image's size (or scaled: `scale` maps image pixels to canvas pixels).
 */
export function drawOverlay(ctx, result, { scale = 1, labels = true } = {}) {
  const px = Math.max(1, Math.min(result.width, result.height) / 400) * scale;
  ctx.save();
  ctx.lineCap = 'round';
  for (const [index, face] of result.faces.entries()) {
    const band = faceBand(face);
    const b = face.box;
    ctx.strokeStyle = COLORS.box[band];
    ctx.lineWidth = 2 * px;
    ctx.setLineDash([]);
    ctx.strokeRect(b.left * scale, b.top * scale, (b.right - b.left) * scale, (b.bottom - b.top) * scale);
    face.landmarks.forEach(([x, y], i) => {
      ctx.fillStyle = CENTRAL.has(i) ? COLORS.central : WHOLE.has(i) ? COLORS.outer : COLORS.unused;
      ctx.beginPath();
      ctx.arc(x * scale, y * scale, (WHOLE.has(i) ? 1.8 : 1.2) * px, 0, 2 * Math.PI);
      ctx.fill();
    });
    const poses = [[face.pose_whole, COLORS.outer, []], [face.pose_central, COLORS.central, [6 * px, 4 * px]]];
    for (const [pose, color, dash] of poses) {
      if (!pose.ok) continue;
      const { origin, tips } = poseAxes(pose, face.camera, 80);
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      tips.forEach((tip, k) => {
        ctx.lineWidth = (k === 2 ? 3 : 1.8) * px;
        ctx.beginPath();
        ctx.moveTo(origin[0] * scale, origin[1] * scale);
        ctx.lineTo(tip[0] * scale, tip[1] * scale);
        ctx.stroke();
      });
    }
    if (labels) {
      ctx.setLineDash([]);
      const text = face.status === 'ok' && face.p_fake !== null ? `${index + 1}: ${(face.p_fake * 100).toFixed(0)}%` :
        `${index + 1}: ${face.status === 'ok' ? 'no model' : 'cannot judge'}`;
      ctx.font = `${Math.round(13 * px)}px sans-serif`;
      const w = ctx.measureText(text).width + 8 * px;
      // Kept inside the picture: a face at its right or top edge keeps a readable label.
      const x = Math.max(0, Math.min(b.left * scale, (ctx.canvas?.width ?? Infinity) - w));
      const y = Math.max(0, b.top * scale - 18 * px);
      ctx.fillStyle = COLORS.box[band];
      ctx.fillRect(x, y, w, 18 * px);
      ctx.fillStyle = COLORS.label[band];
      ctx.fillText(text, x + 4 * px, y + 13 * px);
    }
  }
  ctx.restore();
}

/**
 * Plain-language wording of a verdict or band: a four-state scale (little
 * evidence / uncertain / substantial evidence of a face swap / not
 * applicable). The words describe the evidence, never the media: a band is
 * the classifier's, not a fact about the geometry (see bandMeaning).
 */
export const WORDING = Object.freeze({
  little_evidence: 'Little evidence of a face swap',
  uncertain: 'Uncertain',
  substantial_evidence: 'Substantial evidence of a face swap',
  cannot_judge: 'Not applicable: cannot judge',
  no_face: 'Not applicable: no face found',
  not_scored: 'Not scored (no classifier loaded)',
});

/** Said with every scored verdict: what a clean result does not mean. */
export const NOT_PROOF = 'A result with little evidence is not proof that the picture is real: ' +
  'this check sees two traces of early face swaps only (a face with less fine detail than its surroundings, ' +
  'head poses that disagree), and a low-quality picture hides the first.';

const percent = (x) => `${Math.round(x * 100)}%`;

/**
 * What a band means, as measured on people the model never saw (the result's
 * `bands.held_out`), e.g. "On people the model never saw, 25% of face swaps and
 * 9% of real faces got this result." '' when the model carries no figures.
 */
export function bandMeaning(bands, band) {
  const held = bands?.held_out;
  if (!held || !(band in held.fake)) return '';
  return `On people the model never saw, ${percent(held.fake[band])} of face swaps and ` +
    `${percent(held.real[band])} of real faces got this result.`;
}

const fixed = (x, digits) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));

/**
 * How the face's fine detail compares with its surroundings' (the blend
 * cue's measure, as measured: not the classifier's band), or ''.
 */
export function blendSentence(face) {
  const r = face.blend?.ok ? face.blend.ring_to_face_detail : null;
  if (r === null || r === undefined) return '';
  return r >= 1 ? `its surroundings have ${r.toFixed(1)}× the face's fine detail`
    : `the face has ${(1 / r).toFixed(1)}× its surroundings' fine detail`;
}

/**
 * How the two cues are combined, as a sentence, from the result's `models`;
 * '' without a combination. When the combination does not decide, it says
 * which cue does and why.
 */
export function combinationSentence(models) {
  const c = models?.combination;
  if (!c) return '';
  const sign = c.bias < 0 ? '−' : '+';
  const formula = `log-odds = ${c.blend_weight.toFixed(2)} × blend cue + ${c.pose_weight.toFixed(2)} × pose cue ` +
    `${sign} ${Math.abs(c.bias).toFixed(2)} (weights fitted on people the cues were not trained on)`;
  return c.decides ? `P(fake) combines both cues: ${formula}.`
    : `Both cues combined, shown per face: ${formula}. The blend cue alone decides: on real photos from elsewhere the ` +
      'combination raised more false alarms.';
}

/**
 * One face's verdict line, e.g. "Face 1: Little evidence of a face swap
 * (P(fake) 8%) · its surroundings have 1.4× the face's fine detail · the two
 * head poses differ by 1.1° (pose cue: P(fake) 40%) · both cues combined:
 * P(fake) 12%". When the combination decides: "(P(fake) 12%, both cues
 * combined) · ... fine detail (blend cue: P(fake) 8%) · ...". The measures
 * are stated as measured, apart from the classifier's band. models: the
 * result's `models` (optional).
 */
export function faceHeadline(face, index, models) {
  const ok = face.status === 'ok';
  const blend = ok ? blendSentence(face) : '';
  const known = (x) => x !== null && x !== undefined;
  const combinedDecides = models?.face_cue === 'combined' && known(face.p_fake);
  const poseCue = face.blend && known(face.pose_p_fake) ? ` (pose cue: P(fake) ${percent(face.pose_p_fake)})` : '';
  const blendCue = combinedDecides && known(face.blend_p_fake) ? ` (blend cue: P(fake) ${percent(face.blend_p_fake)})` : '';
  const combinedBeside = !combinedDecides && known(face.combined_p_fake) ? ` · both cues combined: P(fake) ${percent(face.combined_p_fake)}` : '';
  return `Face ${index + 1}: ${WORDING[faceBand(face)]}` +
    (known(face.p_fake) ? ` (P(fake) ${(face.p_fake * 100).toFixed(0)}%${combinedDecides ? ', both cues combined' : ''})` : '') +
    (!ok ? ` — ${face.reason}` : '') +
    (blend ? ` · ${blend}${blendCue}` : '') +
    (face.rotation_difference_deg !== null && ok
      ? ` · the two head poses differ by ${face.rotation_difference_deg.toFixed(1)}°${poseCue}` : '') +
    combinedBeside;
}

/** The numbers behind a face's verdict, as a sentence; '' when it has no features. */
export function faceNumbers(face) {
  if (!face.features) return '';
  const t = face.features.rmat_t.slice(9);
  const b = face.blend?.ok ? face.blend : null;
  const blend = b ? `Fine detail, face against its surroundings (log ratio): ${fixed(b.detail_ratio[0], 2)}; ` +
    `relative spectral slope ${fixed(b.slope_difference, 2)}; seam ${fixed(b.seam_ratio, 2)}; colour step ${fixed(b.chroma_step, 2)}. ` : '';
  return blend + `Angle between the two head poses: ${fixed(face.rotation_difference_deg, 2)}°. ` +
    `Translation difference: ${fixed(Math.hypot(...t), 1)} mm. Cosine distance of the facing directions: ${fixed(face.cosine_distance, 5)}. ` +
    `Reprojection error: whole face ${fixed(face.pose_whole.rms_px, 2)} px, central face ${fixed(face.pose_central.rms_px, 2)} px.`;
}

/** The main person of a video summary whose score decides the verdict (highest score), or null. */
export function decidingPerson(summary) {
  const main = (summary?.people ?? []).filter((p) => p.main && p.score !== null);
  return main.reduce((a, p) => (a === null || p.score > a.score ? p : a), null);
}

/**
 * One person of a video, e.g. "Person 1 · in 38 of 40 frames: Little evidence
 * of a face swap (P(fake) 12%, from head motion) · frames' mean P(fake) 20% ·
 * the central face turned in depth 1.9x as much as the jaw line".
 */
export function personLine(p, framesAnalysed) {
  const head = `Person ${p.id} · in ${p.frames_seen} of ${framesAnalysed} frames${p.main ? '' : ' (briefly: does not decide the verdict)'}`;
  const verdict = p.band ? WORDING[p.band] : WORDING.cannot_judge;
  const basis = p.basis === 'head_motion' ? ', from head motion' : p.basis === 'frames' ? ', mean over frames' : '';
  const score = p.score !== null ? ` (P(fake) ${percent(p.score)}${basis})` : '';
  const frames = p.basis === 'head_motion' && p.mean_p_fake !== null ? ` · frames' mean P(fake) ${percent(p.mean_p_fake)}` : '';
  // Beside a verdict from the frames, head motion is a weaker cue, and a still
  // picture panned or zoomed into a video reads high on it (measured 57-85%,
  // docs/results.md): said with the number, so it is not read as a verdict.
  const motionP = p.basis === 'frames' && p.head_motion_p_fake !== null
    ? ` · head motion, a weaker cue that does not decide here and reads high on still pictures moved about: P(fake) ${percent(p.head_motion_p_fake)}` : '';
  const motion = p.head_motion.ok
    ? ` · the central face turned in depth ${p.head_motion.flatness_ratio.toFixed(1)}× as much as the jaw line`
    : ` · head motion not judged: ${p.head_motion.reason}`;
  return `${head}: ${verdict}${score}${frames}${motionP}${motion}`;
}

/** The note for faces found beyond maxFaces (not analysed), or null. */
/**
 * How a picture file was read (web/picture.js decodePicture: {original,
 * scale, asShown}), when that changes what was checked: shrunk (over the
 * core's pixel limits) or read as the browser draws it (an SVG, a file cut
 * short). null otherwise.
 */
export function pictureNote(result, reading) {
  const notes = [];
  if (reading?.scale < 1) {
    notes.push(`Checked at ${result.width}×${result.height} px, shrunk from ${reading.original.width}×${reading.original.height} px ` +
      `(over the checker's limit of ${MAX_IMAGE_PIXELS / 1e6} megapixels and ${MAX_IMAGE_SIDE} px a side; very small faces may be lost).`);
  }
  if (reading?.asShown) {
    notes.push('The file could not be decoded as a whole (a drawing such as an SVG, or a file cut short): ' +
      'what was checked is the picture as the browser shows it.');
  }
  return notes.length ? notes.join(' ') : null;
}

export function unanalysedFacesNote(result) {
  const n = result.faces_found - result.faces.length;
  return n > 0 ? `${n} more faces were found but not analysed (the largest ones are analysed first; raise “Faces per picture” to analyse more).` : null;
}

/**
 * Why no face may have been found, for a result with none: the picture's size,
 * or the smallest face the detector finds (about 80 px across, 40 px with
 * upsampling, dlib's HOG window); '' when faces were found.
 */
export function noFaceHint(result, upsampled, suggestSmallFaces = true) {
  if (result.faces_found > 0) return '';
  const side = Math.min(result.width, result.height);
  if (side < (upsampled ? 40 : 80)) {
    return `The picture is only ${result.width}×${result.height} px: a face must be about ${upsampled ? 40 : 80} px across to be found.`;
  }
  return upsampled ? 'Faces under about 40 px across, in profile, turned away or heavily covered are not found.'
    : 'Faces under about 80 px across, in profile, turned away or heavily covered are not found' +
      (suggestSmallFaces ? '; for small faces try “Find small faces”.' : '.');
}

/** The band of a P(fake) under bands ({low, high}), e.g. of a rolling mean; null without bands or a score. */
export function bandOf(bands, p) {
  if (!bands || p === null || p === undefined) return null;
  return p < bands.low ? 'little_evidence' : p >= bands.high ? 'substantial_evidence' : 'uncertain';
}

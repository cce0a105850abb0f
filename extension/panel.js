// The explanation panel: the same view as the checker page (web/overlay.js
// drawOverlay on the image, the numbers, the limits). It asks the offscreen
// document for the result by id; the page that frames it cannot read it.
import { bandMeaning, combinationSentence, drawOverlay, faceHeadline, faceNumbers, NOT_PROOF, unanalysedFacesNote, WORDING } from './lib/overlay.js';

const $ = (sel) => document.querySelector(sel);

function fail(message) {
  $('#verdict').textContent = 'No result';
  $('#verdict').className = 'verdict';
  $('#error').hidden = false;
  $('#error').textContent = message;
  $('#view').hidden = true;
  document.body.dataset.state = 'error';
}

function describe(result) {
  const list = $('#faces');
  list.textContent = '';
  result.faces.forEach((face, i) => {
    const li = document.createElement('li');
    li.textContent = faceHeadline(face, i, result.models);
    if (face.features) {
      const p = document.createElement('p');
      p.textContent = faceNumbers(face);
      li.append(p);
    }
    list.append(li);
  });
  const more = unanalysedFacesNote(result);
  if (more) {
    const li = document.createElement('li');
    li.textContent = more;
    list.append(li);
  }
}

async function show() {
  const id = new URLSearchParams(location.search).get('id');
  if (!id) return fail('No result was named.');
  let entry;
  try {
    entry = await chrome.runtime.sendMessage({ target: 'offscreen', type: 'get', id });
  } catch {
    entry = null;
  }
  if (!entry || entry.error) return fail(entry?.error?.message ?? 'This result is no longer held; check the image again.');
  const { result, preview, url } = entry;
  const verdict = $('#verdict');
  verdict.className = `verdict ${result.verdict}`;
  verdict.textContent = WORDING[result.verdict] + (result.score !== null ? ` · P(fake) ${(result.score * 100).toFixed(0)}%` : '');
  const meaning = $('#meaning');
  meaning.textContent = result.score !== null
    ? [bandMeaning(result.bands, result.verdict), combinationSentence(result.models), NOT_PROOF].filter(Boolean).join(' ') : '';
  meaning.hidden = result.score === null;
  const img = new Image();
  img.src = preview;
  await img.decode();
  const canvas = $('#view');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  drawOverlay(ctx, result, { scale: img.naturalWidth / result.width });
  let where = url;
  try { where = new URL(url).host || url.slice(0, 40); } catch { /* data: and the like */ }
  $('#facts').textContent = `${result.width}×${result.height} px from ${where} · ${result.faces_found} face(s) found` +
    (entry.version ? ` · ${entry.version}` : '');
  describe(result);
  document.body.dataset.state = 'done';
  document.body.dataset.verdict = result.verdict;
}

show().catch((e) => fail(e.message));

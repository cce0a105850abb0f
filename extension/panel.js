// The explanation panel: the same view as the checker page (web/overlay.js
// drawOverlay on the image, the numbers, the limits). It asks the offscreen
// document for the result by id; the page that frames it cannot read it.
import { bandMeaning, combinationSentence, decidingPerson, drawOverlay, faceHeadline, faceNumbers, noFaceHint, NOT_PROOF, personLine, pictureNote,
  unanalysedFacesNote, WORDING } from './lib/overlay.js';

const $ = (sel) => document.querySelector(sel);

function fail(message) {
  $('#verdict').textContent = 'No result';
  $('#verdict').className = 'verdict';
  $('#error').hidden = false;
  $('#error').textContent = message;
  $('#view').hidden = true;
  document.body.dataset.state = 'error';
}

function describe(result, reading) {
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
  for (const note of [pictureNote(result, reading), unanalysedFacesNote(result), noFaceHint(result, reading?.upsampled ?? false, false)]) {
    if (!note) continue;
    const li = document.createElement('li');
    li.textContent = note;
    list.append(li);
  }
}

async function show() {
  const params = new URLSearchParams(location.search);
  if (params.has('error')) { // a badge's "could not check": the reason
    fail(`posecheck could not check this: ${params.get('error')}.`);
    $('#verdict').textContent = 'Could not check';
    return;
  }
  const id = params.get('id');
  if (!id) return fail('No result was named.');
  let entry;
  try {
    entry = await chrome.runtime.sendMessage({ target: 'offscreen', type: 'get', id });
  } catch {
    entry = null;
  }
  if (!entry || entry.error) return fail(entry?.error?.message ?? 'This result is no longer held; check the image again.');
  const { result, preview, url, video } = entry;
  // A video: its verdict and people (core/person_tracks.h), and the frame shown below.
  const judged = video ? video.summary : result;
  const decisive = video ? decidingPerson(video.summary) : null;
  const bands = video && decisive?.basis === 'head_motion' ? video.summary.head_motion_bands : judged.bands;
  const verdict = $('#verdict');
  verdict.className = `verdict ${judged.verdict}`;
  verdict.textContent = (video ? 'Video: ' : '') + WORDING[judged.verdict] + (judged.score !== null ? ` · P(fake) ${(judged.score * 100).toFixed(0)}%` : '');
  const meaning = $('#meaning');
  meaning.textContent = judged.score !== null
    ? [bandMeaning(bands, judged.verdict), decisive?.basis === 'head_motion' ? '' : combinationSentence(result.models), NOT_PROOF]
      .filter(Boolean).join(' ') : '';
  meaning.hidden = judged.score === null;
  if (video) {
    const people = $('#people');
    for (const person of video.summary.people) {
      const li = document.createElement('li');
      li.textContent = personLine(person, video.summary.frames_analysed);
      people.append(li);
    }
    people.hidden = false;
  }
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
  const shown = video
    ? `Video, ${result.width}×${result.height} px, ${video.duration.toFixed(1)} s from ${where} · ${video.summary.frames_analysed} of ` +
      `${video.framesSampled} sampled frames analysed · shown: the frame at ${video.shownTime.toFixed(1)} s` +
      (video.shownPerson !== null ? ` (person ${video.shownPerson}'s most suspicious)` : '') +
      (video.stalledAt !== null ? ` · the video could not be decoded after ${video.stalledAt.toFixed(1)} s` : '')
    : entry.frame ? `The frame at ${entry.frame.time.toFixed(1)} s of a video, ${result.width}×${result.height} px, from ${where} · ` +
      `${result.faces_found} face(s) found · one frame is weak evidence: "Check video" judges the people over the whole video`
    : `${result.width}×${result.height} px from ${where} · ${result.faces_found} face(s) found`;
  $('#facts').textContent = shown + (entry.version ? ` · ${entry.version}` : '');
  describe(result, entry.reading);
  document.body.dataset.state = 'done';
  document.body.dataset.verdict = judged.verdict;
}

show().catch((e) => fail(e.message));

// People in a video (core/person_tracks.h) through the native CLI and the
// WebAssembly engine: a three-person WebM (face-api's sample3.jpg, panned)
// gives three tracks, each person's mean is the mean of their frames, the
// video's score is the highest main person's score, and misuse of the video
// calls is a clear error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { DEFAULT_OPTIONS, fullScanEveryAt } from '../../web/engine.js';
import { cli, decodeNative, demoDir, engine, root } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'posecheck-people-'));
const clip = join(dir, 'three.webm');
let e;
let native;

before(async () => {
  // 12 frames at 6 frames/s; the crop window pans so the faces move.
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-loop', '1', '-framerate', '6', '-t', '2', '-i', join(demoDir, 'sample3.jpg'),
    '-vf', "scale=960:-2,crop=880:600:x='20*t':y='8*t'", '-c:v', 'libvpx', '-b:v', '2M', '-pix_fmt', 'yuv420p', clip]);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', clip, join(dir, 'f%02d.png')]);
  native = JSON.parse(execFileSync(cli, ['check', '--model-dir', join(root, 'models'), clip], { encoding: 'utf8' }));
  e = await engine();
});

// cue: the face cue of the loaded models ('combined' or 'blend': a person's frames decide, head motion is shown
// beside them; 'pose': head motion decides when it can be measured).
function checkSummary(summary, frameResults, what, cue) {
  assert.equal(summary.people.length, 3, `${what}: three people`);
  for (const p of summary.people) {
    assert.equal(p.main, true, `${what}: person ${p.id} is a main person`);
    assert.equal(p.frames_seen, summary.frames_analysed ?? frameResults.length, `${what}: person ${p.id} seen in every frame`);
    // Each person's mean is the mean of their own faces' P(fake), frame by frame.
    const ps = p.appearances.map(([frame, face]) => frameResults[frame].faces[face].p_fake).filter((x) => x !== null);
    assert.ok(ps.length > 0, `${what}: person ${p.id} has scored frames`);
    const mean = ps.reduce((a, b) => a + b, 0) / ps.length;
    assert.ok(Math.abs(p.mean_p_fake - mean) < 1e-9, `${what}: person ${p.id} mean ${p.mean_p_fake} vs ${mean}`);
    assert.ok(p.score !== null && ['head_motion', 'frames'].includes(p.basis), `${what}: person ${p.id} scored`);
    if (cue === 'blend' || cue === 'combined') {
      assert.equal(p.basis, 'frames', `${what}: with the ${cue} cue a person's frames decide`);
      assert.equal(p.score, p.mean_p_fake);
    } else if (p.head_motion.ok) {
      assert.equal(p.basis, 'head_motion');
    }
    assert.ok(p.most_suspicious_frames.length >= 1 && p.most_suspicious_frames.length <= 3);
  }
  // Every face of every frame belongs to exactly one person.
  const owned = summary.people.flatMap((p) => p.appearances.map(([f, k]) => `${f}:${k}`));
  assert.equal(new Set(owned).size, owned.length, `${what}: no face in two people`);
  assert.equal(owned.length, frameResults.reduce((a, r) => a + r.faces.length, 0), `${what}: every face in a person`);
  const top = Math.max(...summary.people.map((p) => p.score));
  assert.equal(summary.score, top, `${what}: the video's score is the highest person score`);
  const decider = summary.people.find((p) => p.score === top);
  assert.equal(summary.verdict, decider.band, `${what}: the verdict is the deciding person's band`);
}

describe('people in a video', () => {
  test('the native CLI gives three people and the verdict from them', () => {
    assert.equal(native.frames_analysed, 12);
    assert.equal(native.models.face_cue, 'blend', 'with the shipped models the blend cue decides');
    assert.equal(native.models.combination.decides, false, 'the shipped combination is reported beside it');
    checkSummary(native, native.frames, 'CLI', native.models.face_cue);
    assert.ok(native.head_motion_bands && native.head_motion_bands.held_out, 'the head-motion classifier ships with its held-out band shares');
  });

  test('the WebAssembly engine links the same frames into the same people', () => {
    const files = readdirSync(dir).filter((f) => /^f\d+\.png$/.test(f)).sort();
    assert.equal(files.length, 12);
    e.beginVideo();
    const results = files.map((f, i) => {
      const { rgba, width, height } = decodeNative(join(dir, f));
      return e.checkVideoFrame(rgba, width, height, i);
    });
    const summary = e.endVideo();
    assert.equal(summary.frames_analysed, 12);
    assert.equal(results[0].models.face_cue, 'blend');
    checkSummary(summary, results, 'WebAssembly', results[0].models.face_cue);
    // Same tracks as the CLI (the frames are decoded by another path, so scores may differ a little).
    assert.deepEqual(summary.people.map((p) => p.frames_seen), native.people.map((p) => p.frames_seen));
  });

  test('tracking: between whole-frame scans only the regions around the people are scanned, with the same people', () => {
    assert.equal(e.defaultFullScanEvery(), DEFAULT_OPTIONS.fullScanEvery, 'the JS default is the core\'s');
    for (const fps of [0, -1, NaN, Infinity, 0.5, 2, 2.5, 2.6, 5, 12, 25, 29.97, 30, 60, 1e9]) {
      assert.equal(fullScanEveryAt(fps), e.fullScanEveryAt(fps), `fullScanEveryAt(${fps}) is the core's`);
    }
    assert.deepEqual([2, 25, 30].map(fullScanEveryAt), [1, 10, 12]);
    const files = readdirSync(dir).filter((f) => /^f\d+\.png$/.test(f)).sort();
    const run = (options) => {
      e.beginVideo();
      const results = files.map((f, i) => {
        const { rgba, width, height } = decodeNative(join(dir, f));
        return e.checkVideoFrame(rgba, width, height, i, options);
      });
      return { results, summary: e.endVideo() };
    };
    const every = run({ fullScanEvery: 1 });
    const tracked = run({ fullScanEvery: 5 });
    assert.deepEqual(every.results.map((r) => r.search_regions), Array(12).fill(0), 'fullScanEvery 1: every frame scanned whole');
    // Frames 0, 5, 10 whole; the others around the three people of the frame before.
    assert.deepEqual(tracked.results.map((r) => r.search_regions), [0, 3, 3, 3, 3, 0, 3, 3, 3, 3, 0, 3]);
    assert.deepEqual(tracked.summary.people.map((p) => p.frames_seen), every.summary.people.map((p) => p.frames_seen));
    tracked.results.forEach((r, i) => {
      if (r.search_regions === 0) assert.deepEqual(r.faces, every.results[i].faces, `frame ${i}: a whole scan is the untracked result`);
      assert.equal(r.faces.length, every.results[i].faces.length, `frame ${i}: the same faces`);
    });
    // The CLI follows the analysed frame rate: this clip's 6 frames/s give a whole-frame scan every 2 frames.
    assert.equal(fullScanEveryAt(6), 2);
    assert.deepEqual(native.frames.map((f) => f.search_regions), [0, 3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 3]);
  });

  test('a video on two engines (runs of fullScanEvery frames each, linked on one) gives one engine\'s results', async () => {
    const files = readdirSync(dir).filter((f) => /^f\d+\.png$/.test(f)).sort();
    const frames = files.map((f) => decodeNative(join(dir, f)));
    // Frame 6 is blank: its region scan finds nobody, so it and the frame after are scanned whole.
    frames[6] = { ...frames[6], rgba: new Uint8Array(frames[6].rgba.length).fill(0) };
    const every = 5;
    e.beginVideo();
    const one = frames.map(({ rgba, width, height }, i) => e.checkVideoFrame(rgba, width, height, i, { fullScanEvery: every }));
    const oneSummary = e.endVideo();
    assert.deepEqual(one.map((r) => r.search_regions), [0, 3, 3, 3, 3, 0, 0, 0, 3, 3, 0, 3],
      'whole scans on the schedule (0, 5, 10) and after the frame without faces');
    const helper = await engine();
    const engines = [e, helper];
    e.beginVideo();
    const pooled = frames.map(({ rgba, width, height }, i) => {
      const run = Math.floor(i / every);
      return engines[run % 2].checkRunFrame(rgba, width, height, i, i % every === 0, { fullScanEvery: every });
    });
    pooled.forEach((r, i) => e.addFrameResult(i, r));
    const pooledSummary = e.endVideo();
    pooled.forEach((r, i) => assert.deepEqual(r, one[i], `frame ${i}: the same result on two engines as on one`));
    assert.deepEqual(pooledSummary, oneSummary, 'the same people, scores and verdict');
    helper.close();
  });

  test('adding a frame result that is not one is a clear error, and the video goes on', () => {
    const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
    assert.throws(() => e.addFrameResult(0, { faces: [], faces_found: 0 }), /no video was begun/);
    e.beginVideo();
    const r = e.checkRunFrame(rgba, width, height, 0, true);
    assert.equal(r.faces.length, 1);
    const face = r.faces[0];
    const bad = [
      [{ faces: face, faces_found: 1 }, /needs faces and faces_found/],
      [{ faces: [face], faces_found: 0 }, /facesFound is fewer/],
      [{ faces: [{ ...face, landmarks: face.landmarks.slice(1) }], faces_found: 1 }, /68 landmarks/],
      [{ faces: [{ ...face, box: { ...face.box, left: 'x' } }], faces_found: 1 }, /box must be finite/],
      [{ faces: [{ ...face, p_fake: 2 }], faces_found: 1 }, /P\(fake\) must be in \[0, 1\]/],
      [{ faces: [{ ...face, landmarks: face.landmarks.map(() => [5, 5]) }], faces_found: 1 }, /not all at one point/],
      [{ faces: [{ ...face, landmarks: face.landmarks.map(([x]) => [x, NaN]) }], faces_found: 1 }, /finite/],
    ];
    for (const [result, message] of bad) {
      assert.throws(() => e.addFrameResult(0, result), (err) => err.code === 'invalid_argument' && message.test(err.message), String(message));
    }
    assert.throws(() => e.checkRunFrame(rgba, width, height, -1, true), /frameIndex/);
    e.addFrameResult(0, r);
    assert.throws(() => e.addFrameResult(0, r), /in order/);
    e.addFrameResult(1, r);
    const summary = e.endVideo();
    assert.equal(summary.frames_analysed, 2, 'refused results were not added');
    assert.equal(summary.people.length, 1);
    assert.equal(summary.people[0].frames_seen, 2);
    assert.equal(summary.people[0].mean_p_fake, face.p_fake);
  });

  test('native and WebAssembly agree on a lossless video: the same people, head motion and own face', () => {
    // The same 12 frames as a lossless FFV1 video: the CLI's video decoder gives the PNGs' exact pixels.
    const lossless = join(dir, 'three.mkv');
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-framerate', '6', '-i', join(dir, 'f%02d.png'), '-c:v', 'ffv1', '-pix_fmt', 'bgr0', lossless]);
    const nat = JSON.parse(execFileSync(cli, ['check', '--model-dir', join(root, 'models'), lossless], { encoding: 'utf8' }));
    const files = readdirSync(dir).filter((f) => /^f\d+\.png$/.test(f)).sort();
    e.beginVideo();
    files.forEach((f, i) => {
      const { rgba, width, height } = decodeNative(join(dir, f));
      e.checkVideoFrame(rgba, width, height, i, { fullScanEvery: fullScanEveryAt(6) });
    });
    const wasm = e.endVideo();
    assert.equal(wasm.people.length, 3);
    assert.equal(nat.people.length, 3);
    const near = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a)), `${what}: ${a} vs ${b}`);
    wasm.people.forEach((p, k) => {
      const q = nat.people[k];
      assert.equal(p.frames_judged, q.frames_judged);
      near(p.mean_p_fake, q.mean_p_fake, `person ${p.id} mean P(fake)`);
      assert.equal(p.own_face.ok, true, `person ${p.id}: ${p.own_face.reason}`);
      assert.equal(q.own_face.ok, true);
      for (const key of ['angle_mean_deg', 'angle_sd_deg', 'angle_step_deg', 'central_rms_mm', 'jaw_rms_mm']) {
        near(p.own_face[key], q.own_face[key], `person ${p.id} own_face.${key}`);
      }
      for (const key of ['flatness_ratio', 'central_depth', 'jaw_depth', 'nonrigid_rms']) near(p.head_motion[key], q.head_motion[key], `person ${p.id} head_motion.${key}`);
    });
  });

  test('without a blend classifier the pose cue decides and head motion scores people (the paper pipeline)', async () => {
    const pose = await engine({ blendClassifier: '', combination: '' });
    const files = readdirSync(dir).filter((f) => /^f\d+\.png$/.test(f)).sort();
    pose.beginVideo();
    const results = files.map((f, i) => {
      const { rgba, width, height } = decodeNative(join(dir, f));
      return pose.checkVideoFrame(rgba, width, height, i);
    });
    const summary = pose.endVideo();
    assert.equal(results[0].models.face_cue, 'pose');
    assert.equal(results[0].models.blend_classifier, null);
    for (const r of results) for (const f of r.faces) {
      assert.equal(f.blend, null);
      assert.equal(f.p_fake, f.pose_p_fake, 'the face P(fake) is the pose cue\'s');
    }
    checkSummary(summary, results, 'WebAssembly, pose cue', 'pose');
    assert.ok(summary.people.some((p) => p.basis === 'head_motion'), 'head motion decides for someone');
  });

  test('video calls used out of order are clear errors, and the engine still works', () => {
    const { rgba, width, height } = decodeNative(join(demoDir, 'sample2.jpg'));
    assert.throws(() => e.endVideo(), (err) => err.code === 'invalid_argument' && /no video was begun/.test(err.message));
    assert.throws(() => e.checkVideoFrame(rgba, width, height, 0), /no video was begun/);
    e.beginVideo();
    e.checkVideoFrame(rgba, width, height, 3);
    assert.throws(() => e.checkVideoFrame(rgba, width, height, 3), /in order/);
    const one = e.endVideo();
    assert.equal(one.people.length, 1);
    assert.equal(one.people[0].head_motion.ok, false);
    assert.match(one.people[0].head_motion.reason, /track too short \(1 frames, need 4\)/);
    assert.equal(one.people[0].basis, 'frames');
    assert.deepEqual(one.people[0].own_face, { ok: false, reason: 'track too short for a 3D face (1 frames, need 4)' });
    assert.equal(e.check(rgba, width, height).faces.length, 1);
  });
});

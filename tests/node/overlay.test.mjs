// The explanation's geometry and wording (web/overlay.js), shared by the page
// and the extension, on real results of the built module.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bandOf, CENTRAL, COLORS, combinationSentence, noFaceHint, faceHeadline, faceNumbers, personLine, poseAxes, unanalysedFacesNote, WHOLE } from '../../web/overlay.js';
import { decodeNative, demoDir, engine } from './helpers.mjs';

describe('overlay', () => {
  let e;
  before(async () => { e = await engine(); });
  after(() => e?.close());

  test('the central face is the paper\'s 21 points: 18-36, 49, 55 (1-based)', () => {
    assert.equal(CENTRAL.size, 21);
    for (const i of [17, 35, 48, 54]) assert.ok(CENTRAL.has(i));
    for (const i of [16, 36, 47, 55]) assert.ok(!CENTRAL.has(i));
    // The whole face: the central points and the jaw line (1-17); eyes and lips are in neither pose.
    assert.equal(WHOLE.size, 38);
    for (const i of CENTRAL) assert.ok(WHOLE.has(i));
    for (const i of [0, 16]) assert.ok(WHOLE.has(i));
    for (const i of [36, 47, 49, 60, 67]) assert.ok(!WHOLE.has(i));
    assert.notEqual(COLORS.unused, COLORS.outer);
  });

  test('the overlay\'s landmark groups are the core\'s (one definition, core/geometry.h)', () => {
    const groups = e.landmarkGroups();
    assert.deepEqual([...CENTRAL].sort((a, b) => a - b), [...groups.central].sort((a, b) => a - b));
    assert.deepEqual([...WHOLE].sort((a, b) => a - b), [...groups.whole].sort((a, b) => a - b));
  });

  test('both poses project inside their face box, and the words match the result', () => {
    const px = decodeNative(join(demoDir, 'sample3.jpg'));
    const r = e.check(px.rgba, px.width, px.height);
    assert.ok(r.faces.length >= 2);
    const { models } = r;
    r.faces.forEach((face, i) => {
      const b = face.box;
      for (const pose of [face.pose_whole, face.pose_central]) {
        const [x, y] = poseAxes(pose, face.camera).origin;
        assert.ok(x > b.left && x < b.right && y > b.top && y < b.bottom, `face ${i}: pose origin (${x}, ${y}) outside ${JSON.stringify(b)}`);
      }
      assert.match(faceHeadline(face, i), new RegExp(`^Face ${i + 1}: `));
      if (face.p_fake !== null) assert.match(faceHeadline(face, i), new RegExp(`P\\(fake\\) ${Math.round(face.p_fake * 100)}%`));
      assert.match(faceNumbers(face), new RegExp(`two head poses: ${face.rotation_difference_deg.toFixed(2)}°`));
      // The blend cue decides with the shipped models, and its measure is stated as measured.
      if (face.status === 'ok') {
        assert.equal(face.blend.ok, true, `face ${i}: blend measured`);
        const r = face.blend.ring_to_face_detail;
        const said = r >= 1 ? `its surroundings have ${r.toFixed(1)}× the face's fine detail` : `the face has ${(1 / r).toFixed(1)}× its surroundings' fine detail`;
        assert.ok(faceHeadline(face, i).includes(said), faceHeadline(face, i));
        assert.ok(faceHeadline(face, i).includes(`(pose cue: P(fake) ${Math.round(face.pose_p_fake * 100)}%)`), faceHeadline(face, i));
        // Both cues combined (models/combination.txt, which does not decide): reported after the cues,
        // and combined_p_fake is the stated formula of the two.
        const line = faceHeadline(face, i, models);
        assert.ok(line.endsWith(` · both cues combined: P(fake) ${Math.round(face.combined_p_fake * 100)}%`), line);
        assert.equal(face.p_fake, face.blend_p_fake, 'the blend cue decides');
        const c = models.combination;
        const logit = (p) => { const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6); return Math.log(q / (1 - q)); };
        const expected = 1 / (1 + Math.exp(-(c.bias + c.pose_weight * logit(face.pose_p_fake) + c.blend_weight * logit(face.blend_p_fake))));
        assert.ok(Math.abs(face.combined_p_fake - expected) < 1e-9, `face ${i}: combined_p_fake ${face.combined_p_fake} vs the formula's ${expected}`);
        // Were the combination to decide, the line would say so and give the blend cue's own P(fake).
        const deciding = faceHeadline({ ...face, p_fake: face.combined_p_fake }, i, { ...models, face_cue: 'combined' });
        assert.ok(deciding.includes(`(P(fake) ${Math.round(face.combined_p_fake * 100)}%, both cues combined)`), deciding);
        assert.ok(deciding.includes(`(blend cue: P(fake) ${Math.round(face.blend_p_fake * 100)}%)`), deciding);
        assert.match(faceNumbers(face), /^Fine detail, face against its surroundings \(log ratio\): -?\d+\.\d\d/);
      }
    });
    assert.ok(r.faces.some((f) => f.status === 'ok'), 'at least one face judged, so the blend wording is tested');
    assert.equal(r.models.face_cue, 'blend');
    assert.equal(r.models.combination.decides, false);
    assert.match(combinationSentence(r.models), /^Both cues combined, shown per face: log-odds = \d+\.\d\d × blend cue \+ -?\d+\.\d\d × pose cue [+−] \d+\.\d\d .*The blend cue alone decides/);
    assert.match(combinationSentence({ ...r.models, combination: { ...r.models.combination, decides: true } }), /^P\(fake\) combines both cues: log-odds = /);
    assert.equal(combinationSentence({ ...r.models, combination: null }), '');
    assert.equal(unanalysedFacesNote(r), null);
    const one = e.check(px.rgba, px.width, px.height, { maxFaces: 1 });
    assert.equal(one.faces.length, 1);
    assert.match(unanalysedFacesNote(one), new RegExp(`^${one.faces_found - 1} more faces were found but not analysed \\(the largest ones are analysed first`));
    assert.ok(one.faces[0].box.right - one.faces[0].box.left >= Math.max(...r.faces.map((f) => f.box.right - f.box.left)) - 1e-9,
      'the one face analysed is the largest');
    assert.equal(noFaceHint(one, false), '');
  });

  test('a person\'s line: head motion beside a verdict from the frames is said to be a weaker cue, not deciding', () => {
    const person = { id: 1, frames_seen: 5, main: true, band: 'little_evidence', score: 0.01, basis: 'frames', mean_p_fake: 0.01,
      head_motion_p_fake: 0.81, head_motion: { ok: true, flatness_ratio: 1.2 } };
    assert.equal(personLine(person, 5), 'Person 1 · in 5 of 5 frames: Little evidence of a face swap (P(fake) 1%, mean over frames) · ' +
      'head motion, a weaker cue that does not decide here and reads high on still pictures moved about: P(fake) 81% · ' +
      'the central face turned in depth 1.2× as much as the jaw line');
    // When head motion decides (no blend cue), its P(fake) is the verdict's, and the frames' mean is beside it.
    const deciding = { ...person, band: 'uncertain', score: 0.5, basis: 'head_motion', mean_p_fake: 0.2 };
    assert.match(personLine(deciding, 5), /\(P\(fake\) 50%, from head motion\) · frames' mean P\(fake\) 20% · the central/);
    assert.doesNotMatch(personLine(deciding, 5), /weaker cue/);
  });

  test('no-face hints and the band of a rolling score', () => {
    const none = { faces_found: 0, faces: [], width: 20, height: 20 };
    assert.equal(noFaceHint(none, false), 'The picture is only 20×20 px: a face must be about 80 px across to be found.');
    assert.match(noFaceHint({ ...none, width: 640, height: 480 }, false), /try “Find small faces”/);
    assert.doesNotMatch(noFaceHint({ ...none, width: 640, height: 480 }, true), /try/);
    assert.match(noFaceHint({ ...none, width: 30, height: 30 }, true), /^The picture is only 30×30 px: a face must be about 40 px/);
    assert.match(noFaceHint({ ...none, width: 60, height: 60 }, false), /^The picture is only 60×60 px: a face must be about 80 px/);
    const bands = { low: 0.2, high: 0.7 };
    assert.deepEqual([0.1, 0.2, 0.69, 0.7].map((p) => bandOf(bands, p)), ['little_evidence', 'uncertain', 'uncertain', 'substantial_evidence']);
    assert.equal(bandOf(null, 0.5), null);
    assert.equal(bandOf(bands, null), null);
  });
});

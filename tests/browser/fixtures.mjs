// Browser-test fixtures, generated (never committed): a face photo from the
// face-api npm package, a face-free image, a corrupt file, one over the pixel
// limit, an SVG, a JPEG cut short, WebM clips (one face; a group) and a
// Y4M stream for Chromium's fake webcam, made with ffmpeg.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir, root } from '../node/helpers.mjs';

export const fixtureDir = join(root, 'build', 'browser-fixtures');
export const artifactDir = join(root, 'build', 'test-artifacts');

const ffmpeg = (...args) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);

export function makeFixtures() {
  mkdirSync(fixtureDir, { recursive: true });
  mkdirSync(artifactDir, { recursive: true });
  const face = join(fixtureDir, 'face.jpg');
  ffmpeg('-i', join(demoDir, 'sample2.jpg'), '-vf', 'scale=960:-2', '-q:v', '3', face);
  copyFileSync(join(demoDir, 'sample3.jpg'), join(fixtureDir, 'group.jpg'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', join(fixtureDir, 'noface.png'));
  const jpeg = readFileSync(face);
  writeFileSync(join(fixtureDir, 'corrupt.jpg'), Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(4000, 0x5a)]));
  writeFileSync(join(fixtureDir, 'notes.jpg'), 'not an image at all\n');
  // Over the core's 40-megapixel limit (the face photo enlarged to 8000 x 5700): shrunk before checking.
  ffmpeg('-i', face, '-vf', 'scale=8000:-2', '-q:v', '8', join(fixtureDir, 'huge.jpg'));
  // A small picture whose face (36 px) is found only at twice the size, and is then too small to judge.
  ffmpeg('-i', face, '-vf', 'scale=300:-2', '-q:v', '3', join(fixtureDir, 'small-face.jpg'));
  // A drawing the browser shows but createImageBitmap cannot decode from its bytes; and a JPEG cut short.
  writeFileSync(join(fixtureDir, 'drawing.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">' +
    '<rect width="400" height="300" fill="#8ac"/><circle cx="200" cy="150" r="80" fill="#fc9"/></svg>\n');
  writeFileSync(join(fixtureDir, 'cut-short.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  ffmpeg('-loop', '1', '-framerate', '5', '-t', '2', '-i', face, '-vf', 'scale=640:-2', '-c:v', 'libvpx', '-b:v', '1M',
    '-pix_fmt', 'yuv420p', join(fixtureDir, 'clip.webm'));
  // Several people (face-api's group photo) in a 2 s clip: one verdict per person.
  ffmpeg('-loop', '1', '-framerate', '5', '-t', '2', '-i', join(demoDir, 'sample3.jpg'), '-vf', 'scale=960:-2,setsar=1', '-c:v', 'libvpx',
    '-b:v', '2M', '-pix_fmt', 'yuv420p', join(fixtureDir, 'group.webm'));
  ffmpeg('-loop', '1', '-framerate', '10', '-t', '4', '-i', face, '-vf', 'scale=640:480,format=yuv420p', join(fixtureDir, 'webcam.y4m'));
  // A webcam's usual framing for the frame-rate benchmark: the same face
  // cropped to 4:3 so that it is about 40% of the frame's height.
  ffmpeg('-loop', '1', '-framerate', '30', '-t', '1', '-i', join(demoDir, 'sample2.jpg'),
    '-vf', 'crop=600:450:1237:79,scale=640:480,format=yuv420p', join(fixtureDir, 'webcam-closeup.y4m'));
  return fixtureDir;
}

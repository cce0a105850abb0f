// Builds the browser extension (Manifest V3) from extension/ and the web
// package: build/extension/ (load it unpacked) and build/posecheck-extension.zip.
// The checker files (web/posecheck.js, engine.js, worker.js, overlay.js and
// web/dist/) are copied unchanged into lib/; the panel's limits paragraph is
// taken from web/index.html ("About this check"); the icons are drawn here.
//   node scripts/build-extension.mjs [--no-zip]     (npm run build:extension builds web/dist first)
import { execFileSync } from 'node:child_process';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'extension');
const web = join(root, 'web');
export const outDir = join(root, 'build', 'extension');
export const zipPath = join(root, 'build', 'posecheck-extension.zip');

const OWN_FILES = ['background.js', 'offscreen.html', 'offscreen.js', 'content.js', 'popup.html', 'popup.js', 'popup.css',
  'panel.js', 'panel.css'];
const LIB_FILES = ['posecheck.js', 'engine.js', 'worker.js', 'overlay.js', 'video_frames.js', 'picture.js'];
// dlib's full landmark model (99.7 MB): the extension loads the compact
// default only, so the full one would be dead weight in every download.
const NOT_SHIPPED = ['models/shape_predictor_68_face_landmarks.dat'];
/** The most the unpacked extension and its zip may weigh (issue 15). */
export const MAX_EXTENSION_BYTES = 12 * 1024 * 1024;

/** Bytes of all files under dir. */
export function treeBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    total += statSync(p).isDirectory() ? treeBytes(p) : statSync(p).size;
  }
  return total;
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
}

// ------------------------------------------------------------ icons (PNG from code)

/** The icon: a dark disc, a head outline, blue (whole face) and orange (central face) pose axes. */
function drawIcon(size) {
  const ss = 4; // supersampling for smooth edges
  const rgba = Buffer.alloc(size * size * 4);
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const segDist = (px, py, [ax, ay], [bx, by]) => {
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - ax - t * dx, py - ay - t * dy);
  };
  const w = Math.max(0.07, 1.5 / size); // stroke half-width in unit coordinates
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = ((x + (sx + 0.5) / ss) / size) * 2 - 1, v = ((y + (sy + 0.5) / ss) / size) * 2 - 1;
          let color = null;
          if (Math.hypot(u, v) <= 0.98) color = hex('#1d2433');
          if (Math.abs(Math.hypot(u / 0.62, (v + 0.02) / 0.78) - 1) * 0.62 < w * 0.8) color = hex('#f4f4f4'); // head
          if (segDist(u, v, [-0.02, 0.08], [0.5, 0.28]) < w) color = hex('#2ec4ff'); // whole-face axis
          if (segDist(u, v, [0.02, 0.02], [0.48, -0.34]) < w) color = hex('#ff8c1a'); // central-face axis, apart
          if (color) { acc[0] += color[0]; acc[1] += color[1]; acc[2] += color[2]; acc[3] += 255; }
        }
      }
      const n = ss * ss, i = (y * size + x) * 4, a = acc[3] / n;
      if (a > 0) {
        rgba[i] = Math.round(acc[0] / (acc[3] / 255));
        rgba[i + 1] = Math.round(acc[1] / (acc[3] / 255));
        rgba[i + 2] = Math.round(acc[2] / (acc[3] / 255));
      }
      rgba[i + 3] = Math.round(a);
    }
  }
  return encodePng(size, size, rgba);
}

// ------------------------------------------------------------ the panel's limits wording

function limitsParagraph() {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const m = html.match(/<p><strong>Known limits\.<\/strong>[\s\S]*?<\/p>/);
  if (!m) throw new Error('web/index.html has no "Known limits." paragraph to show in the panel');
  return m[0];
}

// ------------------------------------------------------------ build

export function buildExtension({ zip = true, log = console.log } = {}) {
  const dist = join(web, 'dist');
  // The landmark model PoseChecker loads by default (DEFAULT_MODELS in web/posecheck.js).
  const landmark = readFileSync(join(web, 'posecheck.js'), 'utf8').match(/landmarkModel: here\('\.\/dist\/([^']+)'\)/)?.[1] ??
    'models/shape_predictor_68_face_landmarks.dat';
  for (const f of ['posecheck.mjs', 'posecheck.wasm', landmark, 'models/face3d.txt']) {
    if (!existsSync(join(dist, f))) throw new Error(`web/dist/${f} is missing: run \`npm run build\` first`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  manifest.version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const f of OWN_FILES) copy(join(src, f), join(outDir, f));
  const panel = readFileSync(join(src, 'panel.html'), 'utf8');
  const marker = /<!-- posecheck:limits[^>]*-->/;
  if (!marker.test(panel)) throw new Error('extension/panel.html lacks the posecheck:limits marker');
  writeFileSync(join(outDir, 'panel.html'), panel.replace(marker, limitsParagraph()));

  for (const f of LIB_FILES) copy(join(web, f), join(outDir, 'lib', f));
  const walk = (dir, rel = '') => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = join(rel, name);
      if (statSync(join(dir, r)).isDirectory()) walk(dir, r);
      else if (!NOT_SHIPPED.includes(r)) copy(join(dir, r), join(outDir, 'lib', 'dist', r));
    }
  };
  walk(dist);

  mkdirSync(join(outDir, 'icons'), { recursive: true });
  for (const size of [16, 32, 48, 128]) writeFileSync(join(outDir, 'icons', `icon-${size}.png`), drawIcon(size));
  if (!existsSync(join(dist, 'models', 'classifier.txt'))) {
    log('build-extension: note: no classifier in web/dist/models; the extension will show poses but no P(fake)');
  }
  log(`build-extension: unpacked extension in ${outDir} (${(treeBytes(outDir) / 1048576).toFixed(1)} MB)`);

  if (!zip) return { outDir, zipPath: null };
  rmSync(zipPath, { force: true });
  let haveZip = true;
  try { execFileSync('sh', ['-c', 'command -v zip'], { stdio: 'ignore' }); } catch { haveZip = false; }
  if (!haveZip) {
    log('build-extension: `zip` is not installed (scripts/setup.sh installs it); skipped build/posecheck-extension.zip');
    return { outDir, zipPath: null };
  }
  execFileSync('zip', ['-q', '-r', '-X', zipPath, '.'], { cwd: outDir });
  log(`build-extension: ${zipPath} (${(statSync(zipPath).size / 1048576).toFixed(1)} MB; at most ${MAX_EXTENSION_BYTES / 1048576} MB)`);
  return { outDir, zipPath };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildExtension({ zip: !process.argv.includes('--no-zip') });
  } catch (e) {
    console.error(`build-extension: ${e.message}`);
    process.exit(1);
  }
}

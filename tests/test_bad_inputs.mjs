#!/usr/bin/env node
// ctest test_bad_inputs: the native CLI on the generated bad-input corpus
// (tests/corpus/make_bad_inputs.mjs). Every item must end, within 10 s and
// under a 3 GB address-space limit, in a clear error (exit 1 with a JSON error
// object or a one-line message) or a valid result: never a signal, a
// sanitizer report, a hang or a usage error.
//
//   node tests/test_bad_inputs.mjs [path/to/posecheck]
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeBadInputs } from './corpus/make_bad_inputs.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const cli = process.argv[2] ?? join(root, 'build/tools/posecheck');
const TIMEOUT_MS = 10000;
const ADDRESS_LIMIT_KB = 3 * 1024 * 1024;
// The compact model loads in a fraction of the dlib model's time; both are
// the same predictor (the landmark-model items test the loaders themselves).
const pclm = join(root, 'web/dist/models/landmarks68.pclm');
const landmarkArgs = existsSync(pclm) ? ['--landmark-model', pclm] : [];

const { dir, items } = makeBadInputs(join(root, 'build/bad-inputs-native'));
const scratch = join(dir, 'scratch');
mkdirSync(scratch, { recursive: true });

/** Runs the CLI under ulimit -v and /usr/bin/time (max RSS), with a hard timeout. */
function run(args) {
  const time = existsSync('/usr/bin/time');
  const cmd = `ulimit -v ${ADDRESS_LIMIT_KB}; exec ${time ? '/usr/bin/time -f "maxrss_kb=%M" ' : ''}"$@"`;
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile('bash', ['-c', cmd, 'run', cli, ...args], { timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const m = /maxrss_kb=(\d+)/.exec(stderr);
        resolve({ code: err ? err.code ?? null : 0, signal: err?.signal ?? null, killed: !!err?.killed, stdout, stderr,
          ms: Date.now() - t0, maxrssMb: m ? Number(m[1]) / 1024 : null });
      });
  });
}

function modelDir(name, replace) {
  const d = join(scratch, `models-${name}`);
  mkdirSync(d, { recursive: true });
  for (const f of ['face3d.txt', 'classifier.txt']) {
    if (existsSync(join(root, 'models', f))) copyFileSync(join(root, 'models', f), join(d, f));
  }
  copyFileSync(join(dir, name), join(d, replace)); // no SHA256SUMS: the parser itself is under test
  return d;
}

function argsFor(item) {
  const file = join(dir, item.name);
  const face = join(dir, 'ok-face.jpg');
  switch (item.kind) {
    case 'image':
    case 'video': return ['check', ...landmarkArgs, '--fps', '5', file];
    case 'landmark-model':
    case 'compact-model': return ['check', '--landmark-model', file, face];
    case 'face3d': return ['check', ...landmarkArgs, '--model-dir', modelDir(item.name, 'face3d.txt'), face];
    case 'classifier': return ['check', ...landmarkArgs, '--model-dir', modelDir(item.name, 'classifier.txt'), face];
    case 'landmark-csv': return ['features', ...landmarkArgs, '--out', join(scratch, `${item.name}.out.csv`), '--landmarks', file];
    default: throw new Error(`unknown kind ${item.kind}`);
  }
}

const figures = [];

async function pool(list, n, fn) {
  const queue = [...list];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

/**
 * Images and videos go through one `check` run (the CLI prints and flushes
 * one JSON line per file), timed line by line: every file must be answered
 * within 10 s of the previous one (the first: of the models loading). A file
 * that kills or stalls the run is the one after the last answered file.
 */
function runBatch(files) {
  const time = existsSync('/usr/bin/time');
  const args = ['check', ...landmarkArgs, '--fps', '5', ...files];
  const cmd = `ulimit -v ${ADDRESS_LIMIT_KB}; exec ${time ? '/usr/bin/time -f "maxrss_kb=%M" ' : ''}"$@"`;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', cmd, 'run', cli, ...args]);
    const lines = [];
    let buf = '', stderr = '', last = Date.now(), stalled = false;
    const LOAD_MS = 20000;
    const timer = setInterval(() => {
      if (Date.now() - last > (lines.length ? TIMEOUT_MS : LOAD_MS)) { stalled = true; child.kill('SIGKILL'); }
    }, 200);
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const now = Date.now();
        lines.push({ text: buf.slice(0, i), ms: now - last });
        last = now;
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      const m = /maxrss_kb=(\d+)/.exec(stderr);
      resolve({ code, signal, stalled, lines, stderr, maxrssMb: m ? Number(m[1]) / 1024 : null });
    });
  });
}

function judge(item, r, docs, failures) {
  const why = [];
  if (r.killed) why.push(`no answer within ${TIMEOUT_MS / 1000} s`);
  else if (r.signal) why.push(`killed by ${r.signal}`);
  else if (![0, 1].includes(r.code)) why.push(`exit status ${r.code}`);
  const stderr = r.stderr.replace(/maxrss_kb=\d+\n?/, '').replace(/Command exited with non-zero status \d+\n?/, '').trim();
  if (/Sanitizer|runtime error:|terminate called|Segmentation|Aborted/.test(stderr)) why.push('crash report on stderr');
  const jsonError = docs.find((d) => d.error);
  const errored = r.code === 1 && (jsonError || !docs.length);
  if (errored) {
    // A clear error: a JSON error object with code and message, or a "posecheck <command>: ..." message.
    const message = jsonError ? `${jsonError.error.code}: ${jsonError.error.message}` : stderr;
    if (!jsonError && !/^posecheck \w+: \S/.test(message)) why.push(`unclear error: ${JSON.stringify(message.slice(0, 300))}`);
    item.outcome = `error (${message.split('\n')[0].slice(0, 160)})`;
  } else if (r.code === 0 || r.code === 1) {
    if (item.kind === 'landmark-csv') {
      if (!existsSync(join(scratch, `${item.name}.out.csv`))) why.push('no output table');
    } else if (!docs.length || docs.some((d) => d.error || !(d.width > 0 && d.height > 0))) {
      why.push(`invalid result: ${JSON.stringify(docs).slice(0, 200)}`);
    }
    item.outcome = item.kind === 'landmark-csv' ? 'result (table)' : `result (${docs.map((d) => d.verdict).join(',')})`;
  }
  if (!why.length && item.expect === 'error' && !errored) why.push(`expected an error, got ${item.outcome}`);
  if (!why.length && item.expect === 'ok' && errored) why.push(`expected a result, got ${item.outcome}`);
  if (why.length) failures.push(`${item.name} (${item.note}): ${why.join('; ')}\n    stderr: ${stderr.slice(0, 300)}`);
}

test(`native CLI on the bad-input corpus: a clear error or a valid result, never a crash or hang`, { timeout: 300000 }, async () => {
  const failures = [];
  const media = items.filter((i) => i.kind === 'image' || i.kind === 'video');
  let todo = media;
  while (todo.length) {
    const b = await runBatch(todo.map((i) => join(dir, i.name)));
    const docs = [];
    for (const l of b.lines) { try { docs.push(JSON.parse(l.text)); } catch { docs.push({ unparsable: l.text }); } }
    docs.forEach((d, k) => {
      const item = todo[k];
      figures.push({ name: item.name, ms: b.lines[k].ms, maxrssMb: b.maxrssMb });
      if (b.lines[k].ms > TIMEOUT_MS) failures.push(`${item.name}: answered after ${b.lines[k].ms} ms`);
      if (d.unparsable !== undefined || d.file !== join(dir, item.name)) failures.push(`${item.name}: unexpected output ${JSON.stringify(d).slice(0, 200)}`);
      judge(item, { code: d.error ? 1 : 0, signal: null, killed: false, stderr: '' }, [d], failures);
    });
    if (docs.length === todo.length) {
      if (![0, 1].includes(b.code) || b.signal) failures.push(`batch run ended with ${b.signal ?? b.code}: ${b.stderr.slice(0, 300)}`);
      break;
    }
    const culprit = todo[docs.length];
    failures.push(`${culprit.name} (${culprit.note}): ${b.stalled ? `no answer within ${TIMEOUT_MS / 1000} s` : `run ended by ${b.signal ?? `exit ${b.code}`}`}: ${b.stderr.slice(0, 300)}`);
    todo = todo.slice(docs.length + 1);
  }
  // Models and landmark tables: one run each (the failure is at load time).
  await pool(items.filter((i) => !media.includes(i)), 2, async (item) => {
    const r = await run(argsFor(item));
    figures.push({ name: item.name, ms: r.ms, maxrssMb: r.maxrssMb });
    let docs = [];
    try { docs = r.stdout.trim() ? r.stdout.trim().split('\n').map((l) => JSON.parse(l)) : []; } catch { failures.push(`${item.name}: stdout is not JSON lines`); }
    judge(item, r, docs, failures);
  });
  const slowest = [...figures].sort((a, b) => b.ms - a.ms)[0];
  const biggest = [...figures].sort((a, b) => (b.maxrssMb ?? 0) - (a.maxrssMb ?? 0))[0];
  console.log(`${items.length} items; slowest ${slowest.name} ${slowest.ms} ms; largest max RSS ${biggest.maxrssMb?.toFixed(0)} MB (${biggest.name}${media.some((m) => m.name === biggest.name) ? ', batch run' : ''})`);
  if (process.env.POSECHECK_VERBOSE) for (const i of items) console.log(`${i.name}: ${i.outcome}`);
  assert.deepEqual(failures, []);
});

test('a CMYK JPEG decodes to its colours (red), not to its raw channels', async () => {
  const out = join(scratch, 'cmyk.rgba');
  const r = await run(['decode', join(dir, 'cmyk.jpg'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const px = readFileSync(out);
  assert.deepEqual([...px.subarray(0, 4)], [255, 0, 0, 255]);
});

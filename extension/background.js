// posecheck's extension service worker: the context-menu entry, the popup's
// "scan this page", and the routing between the page (content.js) and the
// offscreen document that runs the checker. It holds no WebAssembly and no
// state that matters when Chrome stops it while idle: the checker lives in
// the offscreen document (offscreen.js), which survives the worker.
//
// Permissions, each used here (tests/browser/extension.test.mjs checks it):
//   contextMenus - the "Check face with posecheck" entry on images,
//                  "Check video with posecheck" and "Check this frame with
//                  posecheck" on videos, and "Check the pictures on this
//                  page" elsewhere (the popup's scan)
//   offscreen    - the document that hosts the checker's module worker
//   scripting    - injects content.js on demand (only when the user asks)
//   host <all_urls> - injecting into the page, and offscreen.js fetching the
//                  image itself from its own site (never through a third party)

const MENU_ID = 'posecheck-check-image';
const VIDEO_MENU_ID = 'posecheck-check-video';
const FRAME_MENU_ID = 'posecheck-check-frame';
const PAGE_MENU_ID = 'posecheck-check-page';
const OFFSCREEN_URL = 'offscreen.html';
const MAX_SCAN = 24; // images per scan, visible and large enough to hold a face

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: MENU_ID, title: 'Check face with posecheck', contexts: ['image'] });
  chrome.contextMenus.create({ id: VIDEO_MENU_ID, title: 'Check video with posecheck', contexts: ['video'] });
  chrome.contextMenus.create({ id: FRAME_MENU_ID, title: 'Check this frame with posecheck', contexts: ['video'] });
  // Anywhere else on a page (CSS background pictures have no menu of their own): the popup's scan.
  chrome.contextMenus.create({ id: PAGE_MENU_ID, title: 'Check the pictures on this page with posecheck', contexts: ['page', 'frame'] });
});

// ------------------------------------------------------------ offscreen document

let creating = null;

async function ensureOffscreen() {
  const documentUrls = [chrome.runtime.getURL(OFFSCREEN_URL)];
  const existing = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls });
  if (existing.length) return;
  creating ??= chrome.offscreen.createDocument({
    url: OFFSCREEN_URL,
    // The checker runs its WebAssembly in a module Web Worker (web/worker.js),
    // which a service worker cannot start and which must outlive it.
    reasons: ['WORKERS'],
    justification: 'Runs the posecheck WebAssembly checker in a Web Worker, on this computer.',
  }).finally(() => { creating = null; });
  await creating;
}

async function toOffscreen(message) {
  await ensureOffscreen();
  const reply = await chrome.runtime.sendMessage({ ...message, target: 'offscreen' });
  if (!reply) throw new Error('the checker did not answer');
  return reply;
}

// ------------------------------------------------------------ the page side

async function injectContent(tabId, frameId = 0) {
  await chrome.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['content.js'] });
}

/** Injects content.js into the page and every frame it can; returns the frame ids reached (the page first). */
async function injectAllFrames(tabId) {
  let results = [];
  try {
    results = await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, files: ['content.js'] });
  } catch {
    await injectContent(tabId, 0); // a frame refused (e.g. a browser page): the page alone
    return [0];
  }
  const ids = [...new Set(results.filter((r) => !r.error).map((r) => r.frameId))];
  return [0, ...ids.filter((id) => id !== 0)];
}

const toPage = (tabId, frameId, message) => chrome.tabs.sendMessage(tabId, message, { frameId });

/**
 * Checks one image URL (kind 'image'), a whole video ('video') or the frame
 * of a video at `time` seconds ('frame'), and shows the outcome on its
 * badges; returns the summary.
 */
async function checkOne(tabId, frameId, src, keys, kind = 'image', time = 0) {
  await toPage(tabId, frameId, { type: 'posecheck:status', keys, state: 'checking' });
  let summary;
  try {
    let url = src;
    if (src.startsWith('blob:') && kind !== 'image') {
      // A streamed video (MediaSource) has no file behind its blob: URL to read.
      throw new Error('this video is streamed from a blob: URL the extension cannot read; save the file and check it on the checker page');
    }
    if (src.startsWith('blob:')) { // a page's blob: URL is readable by the page only: the content script reads it
      url = await toPage(tabId, frameId, { type: 'posecheck:read-blob', src });
      if (!url) throw new Error('could not read this blob: image');
    }
    summary = await toOffscreen({ type: { image: 'check', video: 'check-video', frame: 'check-frame' }[kind], url, src, time });
  } catch (e) {
    summary = { error: { code: 'internal', message: e.message } };
  }
  await toPage(tabId, frameId, { type: 'posecheck:result', keys, summary });
  return summary;
}

/** The context menu's handler: checks the image or video under the pointer and opens its panel. */
async function onMenuClicked(info, tab) {
  if (info.menuItemId === PAGE_MENU_ID && tab?.id) return scanTab(tab.id);
  if (![MENU_ID, VIDEO_MENU_ID, FRAME_MENU_ID].includes(info.menuItemId) || !info.srcUrl || !tab?.id) return null;
  const frameId = info.frameId ?? 0;
  const kind = { [MENU_ID]: 'image', [VIDEO_MENU_ID]: 'video', [FRAME_MENU_ID]: 'frame' }[info.menuItemId];
  await injectContent(tab.id, frameId);
  // For a frame: the elements showing the video and where it stands now (paused or playing).
  const found = await toPage(tab.id, frameId, { type: 'posecheck:find', src: info.srcUrl, kind: kind === 'image' ? 'image' : 'video' });
  const keys = found?.keys ?? [];
  const summary = await checkOne(tab.id, frameId, info.srcUrl, keys, kind, found?.time ?? 0);
  if (summary.id) { // the panel opens in the page itself, not inside a (small) frame
    if (frameId !== 0) await injectContent(tab.id, 0);
    await toPage(tab.id, 0, { type: 'posecheck:open', id: summary.id });
  }
  return summary;
}

/**
 * The popup's handler (and the page menu's): checks the visible pictures of
 * a tab and of its frames (images large enough to hold a face, the frame
 * each visible video shows, and CSS backgrounds). Returns counts, and in
 * resultMs when each picture's result reached its badges (ms from the start).
 */
async function scanTab(tabId) {
  const frames = await injectAllFrames(tabId);
  const started = performance.now();
  const bySrc = new Map(); // one check per distinct picture (a video's frame: per time): id -> [{frameId, keys}]
  let images = 0;
  for (const frameId of frames) {
    const listed = (await toPage(tabId, frameId, { type: 'posecheck:list' }).catch(() => null)) ?? [];
    images += listed.length;
    for (const { key, src, kind = 'image', time = 0 } of listed) {
      const id = kind === 'frame' ? `${src}#t=${time}` : src;
      const places = bySrc.get(id) ?? [];
      const here = places.find((p) => p.frameId === frameId);
      if (here) here.keys.push(key);
      else places.push({ frameId, keys: [key], src, kind, time });
      bySrc.set(id, places);
    }
  }
  const counts = { images, frames: frames.length, checked: 0, faces: 0, no_face: 0, errors: 0, verdicts: {}, resultMs: [] };
  for (const [, places] of [...bySrc].slice(0, MAX_SCAN)) {
    // Checked once (a failure too: not fetched again in this scan); the other frames showing it get the same answer.
    const [first, ...others] = places;
    const s = await checkOne(tabId, first.frameId, first.src, first.keys, first.kind, first.time);
    counts.resultMs.push(Math.round(performance.now() - started)); // when each result reached its badges
    for (const { frameId, keys } of others) {
      await toPage(tabId, frameId, { type: 'posecheck:status', keys, state: 'checking' }).catch(() => {});
      await toPage(tabId, frameId, { type: 'posecheck:result', keys, summary: s }).catch(() => {});
    }
    counts.checked += places.reduce((n, p) => n + p.keys.length, 0);
    if (s.error) counts.errors++;
    else {
      counts.faces += s.faces_found;
      if (s.verdict === 'no_face') counts.no_face++;
      counts.verdicts[s.verdict] = (counts.verdicts[s.verdict] ?? 0) + 1;
    }
  }
  counts.skipped = Math.max(0, bySrc.size - MAX_SCAN);
  return counts;
}

/**
 * Tells every tab's badges (all frames) that these results are no longer
 * held, so no badge keeps a verdict its panel can no longer explain. Tabs
 * without posecheck's content script ignore it.
 */
async function broadcastExpired(ids) {
  const tabs = await chrome.tabs.query({});
  await Promise.all(tabs.map((t) => chrome.tabs.sendMessage(t.id, { type: 'posecheck:expired', ids }).catch(() => {})));
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClicked(info, tab).catch((e) => console.error('posecheck:', e));
});

const fromExtension = (sender) => sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL(''));

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target === 'offscreen') return false; // for the offscreen document
  if (message?.type === 'scan' && fromExtension(sender)) { // from the popup
    (async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      if (!tab?.id) throw new Error('no active tab');
      return scanTab(tab.id);
    })().then(sendResponse, (e) => sendResponse({ error: { message: e.message } }));
    return true;
  }
  if (message?.type === 'offscreen-expired' && fromExtension(sender)) { // results dropped: their badges say so
    broadcastExpired(message.ids).catch(() => {});
    return false;
  }
  if (message?.type === 'offscreen-idle' && fromExtension(sender)) { // frees the models' memory
    chrome.offscreen.closeDocument().catch(() => {});
    return false;
  }
  return false;
});

// The same handlers the menu and the popup use, for the tests and the console.
self.posecheck = { onMenuClicked, scanTab, broadcastExpired, MENU_ID, VIDEO_MENU_ID, FRAME_MENU_ID, PAGE_MENU_ID };

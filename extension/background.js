// posecheck's extension service worker: the context-menu entry, the popup's
// "scan this page", and the routing between the page (content.js) and the
// offscreen document that runs the checker. It holds no WebAssembly and no
// state that matters when Chrome stops it while idle: the checker lives in
// the offscreen document (offscreen.js), which survives the worker.
//
// Permissions, each used here (tests/browser/extension.test.mjs checks it):
//   contextMenus - the "Check face with posecheck" entry on images, and
//                  "Check video with posecheck" on videos
//   offscreen    - the document that hosts the checker's module worker
//   scripting    - injects content.js on demand (only when the user asks)
//   host <all_urls> - injecting into the page, and offscreen.js fetching the
//                  image itself from its own site (never through a third party)

const MENU_ID = 'posecheck-check-image';
const VIDEO_MENU_ID = 'posecheck-check-video';
const OFFSCREEN_URL = 'offscreen.html';
const MAX_SCAN = 24; // images per scan, visible and large enough to hold a face

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: MENU_ID, title: 'Check face with posecheck', contexts: ['image'] });
  chrome.contextMenus.create({ id: VIDEO_MENU_ID, title: 'Check video with posecheck', contexts: ['video'] });
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

const toPage = (tabId, frameId, message) => chrome.tabs.sendMessage(tabId, message, { frameId });

/**
 * Checks one image (or, with kind 'video', one video) URL and shows the
 * outcome on its badges; returns the summary.
 */
async function checkOne(tabId, frameId, src, keys, kind = 'image') {
  await toPage(tabId, frameId, { type: 'posecheck:status', keys, state: 'checking' });
  let summary;
  try {
    let url = src;
    if (src.startsWith('blob:') && kind === 'video') {
      // A streamed video (MediaSource) has no file behind its blob: URL to read.
      throw new Error('this video is streamed from a blob: URL the extension cannot read; save the file and check it on the checker page');
    }
    if (src.startsWith('blob:')) { // a page's blob: URL is readable by the page only: the content script reads it
      url = await toPage(tabId, frameId, { type: 'posecheck:read-blob', src });
      if (!url) throw new Error('could not read this blob: image');
    }
    summary = await toOffscreen({ type: kind === 'video' ? 'check-video' : 'check', url, src });
  } catch (e) {
    summary = { error: { code: 'internal', message: e.message } };
  }
  await toPage(tabId, frameId, { type: 'posecheck:result', keys, summary });
  return summary;
}

/** The context menu's handler: checks the image or video under the pointer and opens its panel. */
async function onMenuClicked(info, tab) {
  if (![MENU_ID, VIDEO_MENU_ID].includes(info.menuItemId) || !info.srcUrl || !tab?.id) return null;
  const frameId = info.frameId ?? 0;
  const kind = info.menuItemId === VIDEO_MENU_ID ? 'video' : 'image';
  await injectContent(tab.id, frameId);
  const keys = await toPage(tab.id, frameId, { type: 'posecheck:find', src: info.srcUrl, kind });
  const summary = await checkOne(tab.id, frameId, info.srcUrl, keys ?? [], kind);
  if (summary.id) await toPage(tab.id, frameId, { type: 'posecheck:open', id: summary.id, keys });
  return summary;
}

/** The popup's handler: checks the visible images of a tab large enough to hold a face. */
async function scanTab(tabId) {
  await injectContent(tabId, 0);
  const images = (await toPage(tabId, 0, { type: 'posecheck:list' })) ?? [];
  const bySrc = new Map(); // one check per distinct image
  for (const { key, src } of images) bySrc.set(src, [...(bySrc.get(src) ?? []), key]);
  const counts = { images: images.length, checked: 0, faces: 0, no_face: 0, errors: 0, verdicts: {} };
  for (const [src, keys] of [...bySrc].slice(0, MAX_SCAN)) {
    const s = await checkOne(tabId, 0, src, keys);
    counts.checked += keys.length;
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
  if (message?.type === 'offscreen-idle' && fromExtension(sender)) { // frees the models' memory
    chrome.offscreen.closeDocument().catch(() => {});
    return false;
  }
  return false;
});

// The same handlers the menu and the popup use, for the tests and the console.
self.posecheck = { onMenuClicked, scanTab, MENU_ID, VIDEO_MENU_ID };

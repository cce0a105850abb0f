// posecheck's content script, injected only when the user asks (context menu
// or popup), into the page and its frames. It lists the visible pictures
// (images, the frame each video shows, CSS backgrounds), draws a small badge over
// each checked image or video and opens the explanation panel (panel.html, an extension
// page in an iframe, so the page cannot read it). Badges and panel live in a
// closed shadow root. It never reads pixels and never sends anything anywhere:
// the extension fetches and checks the image itself.
(() => {
  if (globalThis.__posecheckContent) return; // injected again: already listening
  globalThis.__posecheckContent = true;

  const MIN_RENDERED = 64; // px on screen, each side
  const MIN_NATURAL = 80; // px in the file: dlib's detector finds faces from about 80 px
  // White badge text on each colour at a contrast of at least 4.5:1 (WCAG AA).
  const COLORS = { little_evidence: '#1e7b3a', uncertain: '#8a6100', substantial_evidence: '#c0182f', cannot_judge: '#6b6b6b',
    not_scored: '#6b7280', no_face: '#6b7280', checking: '#1f5fbf', error: '#444', expired: '#444' };
  const WORDS = { little_evidence: 'little evidence', uncertain: 'uncertain', substantial_evidence: 'substantial evidence',
    cannot_judge: 'cannot judge', not_scored: 'face · not scored', no_face: 'no face' };

  const images = new Map(); // key -> the img or video element
  const keyOf = new WeakMap();
  const badges = new Map(); // key -> {el, summary}
  let nextKey = 1;
  let host = null, root = null, panel = null;

  function ensureRoot() {
    if (root) return root;
    host = document.createElement('posecheck-overlay');
    // Inline and !important: no page style rule (even an !important one) can hide or move the badges.
    for (const [k, v] of [['all', 'initial'], ['display', 'block'], ['visibility', 'visible'], ['opacity', '1'], ['position', 'absolute'],
      ['left', '0'], ['top', '0'], ['width', '0'], ['height', '0'], ['z-index', '2147483647'], ['pointer-events', 'auto']]) {
      host.style.setProperty(k, v, 'important');
    }
    root = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = `
      .badge { position: absolute; font: 600 12px/1.2 system-ui, sans-serif; color: #fff; padding: 3px 7px; border-radius: 10px;
        box-shadow: 0 1px 3px rgba(0,0,0,.35); cursor: pointer; white-space: nowrap; border: 0; }
      .badge:focus-visible { outline: 2px solid #fff; outline-offset: 1px; }
      .panel { position: fixed; top: 12px; right: 12px; width: min(440px, calc(100vw - 24px)); height: min(720px, calc(100vh - 24px));
        display: flex; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 6px 28px rgba(0,0,0,.35); overflow: hidden; }
      .bar { display: flex; justify-content: space-between; align-items: center; padding: 6px 10px; background: #1d1d1f; color: #fff;
        font: 600 13px system-ui, sans-serif; }
      .bar button { all: unset; cursor: pointer; font-size: 18px; line-height: 1; padding: 0 4px; }
      iframe { border: 0; flex: 1; width: 100%; }`;
    root.append(style);
    document.documentElement.append(host);
    addEventListener('resize', reposition);
    addEventListener('scroll', reposition, { capture: true, passive: true }); // any scrolled container too
    // Layout changes that move a picture without a scroll (a banner inserted
    // above, a carousel step) or change what it shows (src, srcset).
    new MutationObserver(reposition).observe(document.documentElement,
      { subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'srcset', 'style', 'class', 'width', 'height', 'hidden'] });
    resizes.observe(document.documentElement);
    return root;
  }

  let pending = false;
  function reposition() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; placeAll(); });
  }
  const resizes = new ResizeObserver(reposition);

  function drop(key) {
    const badge = badges.get(key), el = images.get(key);
    badge?.el.remove();
    badges.delete(key);
    if (el) resizes.unobserve(el);
  }

  // A badge sits on its element's live box and belongs to the picture it was
  // made for: when the element shows another picture (src swapped) or leaves
  // the page, its badge goes, so no result ever shows on a picture it is not about.
  function place(key) {
    const el = images.get(key), badge = badges.get(key);
    if (!el || !badge) return;
    if (!el.isConnected || srcOf(el) !== badge.src) {
      drop(key);
      return;
    }
    const r = el.getBoundingClientRect();
    const hidden = r.width === 0 || r.height === 0;
    badge.el.style.display = hidden ? 'none' : '';
    badge.el.style.left = `${Math.round(r.left + scrollX + 4)}px`;
    badge.el.style.top = `${Math.round(r.top + scrollY + 4)}px`;
  }

  function placeAll() {
    for (const key of badges.keys()) place(key);
  }

  function keyFor(img) {
    if (!keyOf.has(img)) {
      const key = nextKey++;
      keyOf.set(img, key);
      images.set(key, img);
    }
    return keyOf.get(img);
  }

  // The first url(...) of an element's CSS background, resolved; '' if none.
  function backgroundUrl(el) {
    const m = /url\(\s*(['"]?)(.*?)\1\s*\)/.exec(getComputedStyle(el).backgroundImage);
    if (!m) return '';
    try { return new URL(m[2], document.baseURI).href; } catch { return ''; }
  }

  // What an element shows: an <img>'s or <video>'s current source, else its CSS background.
  const srcOf = (el) => el.currentSrc || el.src || (el instanceof HTMLImageElement || el instanceof HTMLVideoElement ? '' : backgroundUrl(el));

  const MAX_BACKGROUND_ELEMENTS = 5000; // elements looked at for CSS backgrounds, so a huge page stays quick

  function onScreen(el) {
    const r = el.getBoundingClientRect();
    if (r.width < MIN_RENDERED || r.height < MIN_RENDERED) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && Number(style.opacity) !== 0;
  }

  /**
   * The visible pictures: <img> elements large enough for a face, the frame
   * each visible <video> shows now (kind 'frame'), and elements showing a
   * CSS background picture.
   */
  function visibleImages() {
    const out = [];
    for (const img of document.images) {
      const src = srcOf(img);
      if (!src || !img.complete || img.naturalWidth < MIN_NATURAL || img.naturalHeight < MIN_NATURAL) continue;
      if (onScreen(img)) out.push({ key: keyFor(img), src });
    }
    // Videos: the frame each one shows now (paused or playing), checked as a picture.
    for (const v of document.querySelectorAll('video')) {
      const src = srcOf(v);
      if (src && v.readyState >= 2 && v.videoWidth >= MIN_NATURAL && v.videoHeight >= MIN_NATURAL && onScreen(v)) {
        out.push({ key: keyFor(v), src, kind: 'frame', time: v.currentTime });
      }
    }
    let looked = 0;
    for (const el of document.body?.querySelectorAll('*') ?? []) {
      if (++looked > MAX_BACKGROUND_ELEMENTS) break;
      if (el instanceof HTMLImageElement || el instanceof HTMLVideoElement || el.closest('posecheck-overlay')) continue;
      const src = backgroundUrl(el);
      if (src && /^(https?|data|blob):/.test(src) && onScreen(el)) out.push({ key: keyFor(el), src });
    }
    return out;
  }

  function label(summary) {
    if (!summary) return ['checking', 'posecheck: checking…'];
    if (summary.expired) return ['expired', 'posecheck: result expired'];
    if (summary.error) return ['error', 'posecheck: could not check'];
    if (summary.kind === 'video' && summary.score !== null && summary.verdict in WORDS) {
      return [summary.verdict, `video · P(fake) ${Math.round(summary.score * 100)}% · ${WORDS[summary.verdict]}`];
    }
    if (summary.kind === 'frame') {
      const scored = summary.score !== null && ['little_evidence', 'uncertain', 'substantial_evidence'].includes(summary.verdict);
      return [summary.verdict in COLORS ? summary.verdict : 'error',
        `frame ${summary.time.toFixed(1)} s · ${scored ? `P(fake) ${Math.round(summary.score * 100)}% · ` : ''}${WORDS[summary.verdict] ?? summary.verdict}`];
    }
    const v = summary.verdict;
    if (['little_evidence', 'uncertain', 'substantial_evidence'].includes(v) && summary.score !== null) {
      return [v, `P(fake) ${Math.round(summary.score * 100)}% · ${WORDS[v]}`];
    }
    return [v in COLORS ? v : 'error', WORDS[v] ?? v];
  }

  // summary null: checking starts, and the badge records the picture being
  // checked; a result for a badge dropped meanwhile (the element showed
  // another picture, or left) is not shown.
  function setBadge(key, summary) {
    ensureRoot();
    let badge = badges.get(key);
    if (!badge && summary !== null) return;
    if (!badge) {
      const el = document.createElement('button');
      el.className = 'badge';
      el.type = 'button';
      el.addEventListener('click', (e) => {
        e.preventDefault();
        e.stopPropagation();
        const s = badges.get(key)?.summary;
        if (s?.id) openPanel(`id=${encodeURIComponent(s.id)}`);
        else if (s?.error) openPanel(`error=${encodeURIComponent(s.error.message)}`);
      });
      root.append(el);
      badge = { el, summary: null, src: null };
      badges.set(key, badge);
      resizes.observe(images.get(key));
    }
    if (summary === null) badge.src = srcOf(images.get(key)); // the picture the result will be about
    badge.summary = summary;
    const [state, text] = label(summary);
    badge.el.textContent = text;
    badge.el.dataset.state = state;
    badge.el.style.background = COLORS[state];
    const what = summary?.kind === 'video' ? 'video' : summary?.kind === 'frame' ? 'frame' : 'image';
    badge.el.title = summary?.error ? `posecheck could not check this ${what}: ${summary.error.message}` :
      summary?.expired ? 'posecheck no longer holds this result; check the picture again' :
      summary ? 'posecheck: click for the explanation' : 'posecheck is checking this on this computer';
    if (summary?.error) badge.el.title += ' (click for the reason)';
    place(key);
  }

  /** Opens the explanation panel; query: `id=...` (a result) or `error=...` (why a check failed). */
  function openPanel(query) {
    ensureRoot();
    panel?.remove();
    panel = document.createElement('div');
    panel.className = 'panel';
    const bar = document.createElement('div');
    bar.className = 'bar';
    const title = document.createElement('span');
    title.textContent = 'posecheck';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Close the posecheck panel');
    close.addEventListener('click', () => { panel?.remove(); panel = null; });
    bar.append(title, close);
    const frame = document.createElement('iframe');
    frame.title = 'posecheck result';
    frame.src = `${chrome.runtime.getURL('panel.html')}?${query}`;
    panel.append(bar, frame);
    root.append(panel);
  }

  async function readBlob(src) {
    const blob = await (await fetch(src)).blob();
    return new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => resolve(null);
      reader.readAsDataURL(blob);
    });
  }

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return false; // from the service worker only
    switch (message?.type) {
      case 'posecheck:list':
        sendResponse(visibleImages());
        return false;
      case 'posecheck:find': {
        const elements = message.kind === 'video'
          ? [...document.querySelectorAll('video')].filter((v) => srcOf(v) === message.src || v.src === message.src ||
            [...v.querySelectorAll('source')].some((s) => s.src === message.src))
          : [...document.images].filter((img) => srcOf(img) === message.src || img.src === message.src);
        // The video's current time: "Check this frame" checks the frame shown now.
        sendResponse({ keys: elements.map(keyFor), time: elements[0]?.currentTime ?? 0 });
        return false;
      }
      case 'posecheck:status':
        for (const key of message.keys) setBadge(key, null);
        sendResponse(true);
        return false;
      case 'posecheck:result':
        for (const key of message.keys) setBadge(key, message.summary);
        sendResponse(true);
        return false;
      case 'posecheck:expired': // results the extension no longer holds: their badges stop showing a verdict
        for (const [key, badge] of badges) if (badge.summary?.id && message.ids.includes(badge.summary.id)) setBadge(key, { id: badge.summary.id, expired: true });
        sendResponse(true);
        return false;
      case 'posecheck:open':
        openPanel(`id=${encodeURIComponent(message.id)}`);
        sendResponse(true);
        return false;
      case 'posecheck:read-blob':
        readBlob(message.src).then(sendResponse, () => sendResponse(null));
        return true;
      default:
        return false;
    }
  });
})();

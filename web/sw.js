// Offline support: the first visit caches the app and its models; later
// visits are served from the cache (cache first, then the network), so the
// checker works without a connection. Only same-origin GET requests are
// touched; nothing else is stored.
// The cache is named after the build (dist/build-id.js, written by
// scripts/build.sh from a hash of the app and its models): any change to
// them is a new service worker (browsers re-check imported scripts), which
// caches the new files and deletes the old cache, so an upgrade is never
// served from a stale cache after the update.
importScripts('./dist/build-id.js');
const CACHE = `posecheck-${self.POSECHECK_BUILD}`;
// The app and the default models (DEFAULT_MODELS in posecheck.js), so that one
// online visit is enough to work offline; the 99.7 MB full landmark model
// (?landmarks=full) is cached only once it has been used.
const APP = ['./', './index.html', './style.css', './app.js', './overlay.js', './timeline.js', './video_frames.js', './picture.js', './vendor/uPlot.iife.min.js',
  './vendor/uPlot.min.css', './posecheck.js', './engine.js', './worker.js',
  './manifest.webmanifest', './favicon.svg', './dist/posecheck.mjs', './dist/posecheck.wasm', './dist/models/landmarks68.pclm',
  './dist/models/face3d.txt', './dist/models/classifier.txt', './dist/models/track_classifier.txt',
  './dist/models/blend_classifier.txt', './dist/models/combination.txt', './mp4_frames.js',
  ...self.POSECHECK_VENDOR_FILES]; // the MP4 demuxer's files (named by its build; listed by scripts/build.sh)

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(APP)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(event.request, { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(event.request);
    if (response.ok && response.type === 'basic') cache.put(event.request, response.clone());
    return response;
  })());
});

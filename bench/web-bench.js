// In-browser measurements for scripts/bench-web.mjs: posecheck per-photo
// latency at 640x480 (as the page calls it: checkImage per photo, through the
// worker), webcam frames per second, and the same photos through a peer:
// @vladmandic/face-api's SSD MobileNet detector + 68-point landmarks (it has
// no head-pose stage). Results land in window.bench.
import { LiveDetectionScale, PoseChecker, checkLive } from '/web/posecheck.js';
import { median } from '/scripts/stats.mjs';


async function vgaPhotos(urls) {
  const out = [];
  for (const url of urls) {
    const bitmap = await createImageBitmap(await (await fetch(url)).blob());
    const canvas = new OffscreenCanvas(640, 480);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, 640, 480);
    out.push(canvas);
  }
  return out;
}

window.runPosecheck = async (urls, repeat) => {
  const t0 = performance.now();
  const checker = await PoseChecker.create();
  const createMs = performance.now() - t0;
  const photos = await vgaPhotos(urls);
  const perPhoto = [];
  for (const canvas of photos) {
    const data = canvas.getContext('2d').getImageData(0, 0, 640, 480);
    await checker.checkImage(data); // warm-up
    const times = [];
    let faces = 0;
    for (let i = 0; i < repeat; i++) {
      const s = performance.now();
      const r = await checker.checkImage(data);
      times.push(performance.now() - s);
      faces = r.faces.length;
    }
    perPhoto.push({ ms: median(times), faces });
  }
  checker.close();
  return { createMs, perPhoto };
};

// live: detection scaled with LiveDetectionScale, as the page's webcam does;
// otherwise every frame is scanned at full resolution (the baseline).
window.runWebcam = async (seconds, live) => {
  const checker = await PoseChecker.create();
  const scale = new LiveDetectionScale();
  let faces = 0;
  const video = document.getElementById('cam');
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await video.play();
  let frames = 0;
  // As the page runs its webcam (checkLive: each presented frame once, as soon as the worker is free).
  const session = checkLive(checker, video, {
    options: () => (live ? scale.options(video.videoWidth, video.videoHeight) : {}),
    onResult: (r) => { frames++; faces += r.faces_found; scale.update(r); },
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  session.stop();
  video.srcObject.getTracks().forEach((t) => t.stop());
  checker.close();
  return { fps: frames / seconds, facesPerFrame: faces / frames, width: video.videoWidth, height: video.videoHeight };
};

window.runFaceApi = async (urls, repeat) => {
  const faceapi = await import('/node_modules/@vladmandic/face-api/dist/face-api.esm.js');
  // The peer as its users run it without a GPU: tfjs's WebAssembly backend
  // (SIMD; threads need cross-origin isolation, which this page does not
  // have). The bundle registers the backend; its .wasm files come from
  // @tensorflow/tfjs-backend-wasm (the version face-api is built with).
  // Headless Chromium here has no GPU, so WebGL would be software-emulated.
  faceapi.tf.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  if (!(await faceapi.tf.setBackend('wasm').catch(() => false))) await faceapi.tf.setBackend('cpu');
  await faceapi.tf.ready();
  const base = '/node_modules/@vladmandic/face-api/model';
  await faceapi.nets.ssdMobilenetv1.loadFromUri(base);
  await faceapi.nets.faceLandmark68Net.loadFromUri(base);
  const photos = await vgaPhotos(urls);
  const perPhoto = [];
  for (const offscreen of photos) {
    const canvas = document.createElement('canvas');
    canvas.width = 640; canvas.height = 480;
    canvas.getContext('2d').drawImage(offscreen, 0, 0);
    await faceapi.detectAllFaces(canvas).withFaceLandmarks(); // warm-up
    const times = [];
    let faces = 0;
    for (let i = 0; i < repeat; i++) {
      const s = performance.now();
      const r = await faceapi.detectAllFaces(canvas).withFaceLandmarks();
      times.push(performance.now() - s);
      faces = r.length;
    }
    perPhoto.push({ ms: median(times), faces });
  }
  return { backend: faceapi.tf.getBackend(), perPhoto };
};
window.benchReady = true;

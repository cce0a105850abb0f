// Every frame of an MP4 or QuickTime file, decoded with WebCodecs (issue 16):
// mp4box.js (GPAC; pinned npm dev dependency, served from vendor/mp4box/,
// README "Build choices") reads the container, a VideoDecoder decodes, and
// the frames come out in presentation order with their own times. Nothing is
// played or sought: no frame is skipped or shown twice (the play-through
// reader of video_frames.js can be, when the browser drops frames under load),
// and reading goes as fast as the consumer takes the frames.
// Used by the page for MP4/MOV files; other files (WebM) and browsers
// without WebCodecs keep readFrames() of video_frames.js.

const MP4BOX_URL = './vendor/mp4box/mp4box.all.mjs';
const READ_BYTES = 4 << 20;       // bytes of the file handed to the demuxer at a time
const DECODE_AHEAD = 8;           // encoded frames queued in the decoder at most
const SAME_TIME_S = 1e-3;         // a sample time this close to a frame's time is that frame

/** True where this browser has WebCodecs' VideoDecoder. */
export const canDecodeVideo = () => typeof globalThis.VideoDecoder === 'function';

/** True when `file` looks like an MP4 or QuickTime file (type, name, or its 'ftyp' box). */
export async function isMp4(file) {
  if (/^video\/(mp4|quicktime)$/.test(file.type) || /\.(mp4|m4v|mov)$/i.test(file.name ?? '')) return true;
  const head = new Uint8Array(await file.slice(4, 8).arrayBuffer());
  return String.fromCharCode(...head) === 'ftyp';
}

// The decoder's description: the codec configuration box (avcC, hvcC, vpcC or
// av1C) without its 8-byte box header, as WebCodecs' codec registrations ask.
function codecDescription(mp4box, trak) {
  for (const entry of trak.mdia.minf.stbl.stsd.entries) {
    const box = entry.avcC ?? entry.hvcC ?? entry.vpcC ?? entry.av1C;
    if (box) {
      const stream = new mp4box.DataStream(undefined, 0, mp4box.Endianness.BIG_ENDIAN);
      box.write(stream);
      return new Uint8Array(stream.buffer, 8);
    }
  }
  return undefined;
}

/**
 * Opens `file`: parses its header (the 'moov' box, wherever it is) and checks
 * that this browser decodes its first video track. Resolves {config,
 * frames, fps, next(), close()}; rejects with a message naming the
 * problem (no video track, a codec the browser cannot decode, a file that
 * is not an MP4 or ends before its header).
 */
async function openMp4(file) {
  const mp4box = await import(MP4BOX_URL);
  mp4box.Log.setLogLevel(mp4box.Log.error);
  const demuxer = mp4box.createFile();
  const samples = [];
  let failure = null;
  demuxer.onError = (e) => { failure = new Error(`this MP4 cannot be read (${e})`); };
  demuxer.onSamples = (id, user, list) => samples.push(...list);
  let info = null;
  demuxer.onReady = (i) => { info = i; };
  // The demuxer says which byte it needs next (the header may sit after the
  // frames; after start() it wants the frames from their beginning); it drops
  // what it has parsed, so the frames' bytes are read once more after the
  // header. `read` bounds the bytes handed over, against a file that would
  // make it ask for the same bytes forever.
  let offset = 0, read = 0, flushed = false;
  const append = async () => {
    const buffer = await file.slice(offset, offset + READ_BYTES).arrayBuffer();
    read += buffer.byteLength;
    if (read > 3 * file.size + READ_BYTES) throw new Error('this MP4 cannot be read (its boxes point back and forth)');
    const next = buffer.byteLength ? demuxer.appendBuffer(mp4box.MP4BoxBuffer.fromArrayBuffer(buffer, offset)) : file.size;
    offset = Number.isFinite(next) && next !== offset ? next : offset + buffer.byteLength;
  };
  while (!info && !failure && offset < file.size) await append();
  if (failure) throw failure;
  if (!info) throw new Error('this file has no MP4 header (truncated, or not an MP4)');
  const track = info.videoTracks?.[0];
  if (!track) throw new Error('this MP4 has no video track');
  // A rotation in the track's matrix (phone videos) is applied by the <video>
  // element but not by a decoder: such files are left to the element.
  const m = track.matrix;
  if (m && (m[1] !== 0 || m[3] !== 0 || m[0] < 0 || m[4] < 0)) throw new Error('the video is stored rotated');
  const trak = demuxer.getTrackById(track.id);
  const config = {
    codec: track.codec,
    codedWidth: track.video.width,
    codedHeight: track.video.height,
    description: codecDescription(mp4box, trak),
  };
  const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  if (!support.supported) throw new Error(`this browser cannot decode the video's codec (${track.codec})`);
  // The presentation's zero: an edit list's first media time, as the <video>
  // element shows it (encoders with B-frames start there); without one
  // (fragmented MP4), the first frame's time, as the CLI counts (ffmpeg's
  // start time).
  const edit = trak.edts?.elst?.entries?.find((e) => e.media_time >= 0);
  let zero = edit ? edit.media_time : null;
  // One sample per callback: mp4box.js hands over a batch only when it is full
  // or the track's last sample is there, so a batch would be lost at a cut.
  demuxer.setExtractionOptions(track.id, null, { nbSamples: 1 });
  demuxer.start();
  offset = demuxer.seek(0, true).offset;
  let taken = 0;
  return {
    config,
    frames: track.nb_samples,
    fps: track.duration > 0 ? (track.nb_samples * track.timescale) / track.duration : null,
    /** The next encoded frame (EncodedVideoChunk), or null at the end of the data. */
    async next() {
      while (samples.length === 0 && offset < file.size && !failure) await append();
      if (samples.length === 0 && !flushed) { flushed = true; demuxer.flush(); }  // the data's end: what is left
      if (failure) throw failure;
      const s = samples.shift();
      if (!s) return null;
      zero ??= s.cts;  // the first sample in decode order is a key frame, the first shown
      if (++taken % 64 === 0) demuxer.releaseUsedSamples(track.id, s.number);
      return new EncodedVideoChunk({
        type: s.is_sync ? 'key' : 'delta',
        timestamp: Math.round(((s.cts - zero) * 1e6) / s.timescale),
        duration: Math.round((s.duration * 1e6) / s.timescale),
        data: s.data,
      });
    },
    close() { demuxer.stop(); samples.length = 0; },
  };
}

/**
 * The frames of `file` at `times` (s, ascending), as readFrames() of
 * video_frames.js gives them: for each time the first frame at or after it
 * (the last frame for times past it). Yields {index, time, frame}: `time` is
 * the frame's own presentation time, `frame` a VideoFrame that stays open
 * until the consumer asks for the next item (draw it before that). When the
 * data ends early or cannot be decoded, yields {index, time, stalled: true,
 * error} for the first time not reached, and stops.
 * Throws before the first item when the file cannot be opened (see openMp4);
 * the caller then falls back to another reader.
 */
export async function* decodeMp4Frames(file, times) {
  const source = await openMp4(file);
  const ready = [];                  // decoded frames, in presentation order
  let decoded = 0, failure = null, wake = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  const decoder = new VideoDecoder({
    output: (frame) => { decoded += 1; ready.push(frame); notify(); },
    error: (e) => { failure = e; notify(); },
  });
  decoder.configure(source.config);
  let ended = false, flushed = null;
  // Feeds the decoder until a frame is ready, the decoder fails, or the
  // data ends (then flushes once). Resolves when there is something to take.
  const fill = async () => {
    while (ready.length === 0 && !failure) {
      if (!ended && decoder.decodeQueueSize < DECODE_AHEAD) {
        let chunk = null;
        try {
          chunk = await source.next();
        } catch (e) {
          failure = e;
          break;
        }
        if (chunk) decoder.decode(chunk); else ended = true;
        continue;
      }
      if (ended) {
        flushed ??= decoder.flush().catch((e) => { failure ??= e; });
        await flushed;
        return;
      }
      await new Promise((resolve) => { wake = resolve; decoder.addEventListener('dequeue', resolve, { once: true }); });
    }
  };
  let j = 0, previous = null;
  try {
    while (j < times.length) {
      await fill();
      const frame = ready.shift();
      if (!frame) break;
      const t = frame.timestamp / 1e6;
      previous?.close();
      previous = frame;
      while (j < times.length && times[j] <= t + SAME_TIME_S) {
        yield { index: j, time: t, frame };
        j += 1;
      }
    }
    if (j < times.length) {
      // Past the last frame: the end of the video (as a player shows it), unless
      // fewer frames came out than the header announces (data cut short) or
      // decoding failed.
      const last = previous ? previous.timestamp / 1e6 : -Infinity;
      const step = source.fps ? 1 / source.fps : 0.1;
      const complete = !failure && previous && decoded >= source.frames;
      while (complete && j < times.length && times[j] <= last + 2 * step + SAME_TIME_S) {
        yield { index: j, time: last, frame: previous };
        j += 1;
      }
      if (j < times.length) {
        yield { index: j, time: times[j], stalled: true, error: failure ? `the video cannot be decoded from here on (${failure.message ?? failure})` : 'the video ends early (truncated)' };
      }
    }
  } finally {
    previous?.close();
    for (const f of ready) f.close();
    if (decoder.state !== 'closed') decoder.close();
    source.close();
  }
}

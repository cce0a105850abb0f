// Types of posecheck's JavaScript API (web/posecheck.js). Result fields are
// those of the native CLI's JSON (README, "Result fields").

export interface CheckOptions {
  /** 0 (default, as the paper) or 1 to find faces down to ~40 px at 4x the cost. */
  upsample?: 0 | 1 | 2;
  /** At most this many faces are analysed (default 16). */
  maxFaces?: number;
  /** Longer image side above which detection runs on a downscaled copy (default 1600). */
  maxDetectionSide?: number;
  /** Video frames only: the whole frame is scanned for faces every this many analysed frames (default 10, for every
   * frame of a 25 frames/s video; fullScanEveryAt(rate) for another rate), and in between only around the people
   * already seen (faster; a region scan that misses someone rescans the frame whole). 1: every frame scanned whole. */
  fullScanEvery?: number;
}

export declare const DEFAULT_OPTIONS: Readonly<Required<CheckOptions>>;
/** Seconds of video between whole-frame scans for faces (core/person_tracks.h). */
export declare const FULL_SCAN_SECONDS: number;
/** fullScanEvery for video frames analysed at `fps` per second (a whole-frame scan at least every FULL_SCAN_SECONDS;
 * sparse samples are all scanned whole). */
export declare function fullScanEveryAt(fps: number): number;
/**
 * A video frame's RGBA pixels, copied out of the frame (VideoFrame.copyTo with
 * RGBA conversion), or null where the browser cannot or the frame's pixels are
 * not width x height (non-square pixels, a rotation to apply): draw it instead.
 * `image`: a VideoFrame (it stays open and the caller's) or a <video> element.
 * Given to checkImage or a video's addFrame, the pixels' buffer moves to the worker uncopied (it is detached after).
 */
export declare function framePixels(image: VideoFrame | HTMLVideoElement, width: number, height: number):
  Promise<{ rgba: Uint8ClampedArray; width: number; height: number } | null>;

export interface ModelOptions {
  moduleUrl?: string;
  wasmUrl?: string;
  /** URL, or the bytes of a dlib 68-point shape predictor. */
  landmarkModel?: string | Uint8Array | ArrayBuffer;
  /** Expected SHA-256 of the landmark model ('' = do not pin). */
  landmarkSha256?: string;
  /** URL or text of a 3D face model (posecheck-face3d 1). */
  faceModel?: string;
  /** URL or text of a classifier (posecheck-classifier 1); '' for none. */
  classifier?: string;
  /** Head-motion (track) classifier for people in videos (URL or text; empty: frames only). */
  trackClassifier?: string;
  /** Blend classifier: the face against its own surroundings (URL or text; empty: the pose cue decides). */
  blendClassifier?: string;
  /** Cue combination (posecheck-combination 1, URL or text): both cues' P(fake) combined (combined_p_fake), and the
   * face's P(fake) when its file says it decides (the default does not); it names the classifier and blend classifier
   * it was fitted for and is refused with others. The default is left out when classifier or blendClassifier is ''. */
  combination?: string;
  workerUrl?: string;
}

export declare const DEFAULT_MODELS: Readonly<Required<Omit<ModelOptions, 'workerUrl'>>>;
/** dlib's full 99.7 MB landmark model, selectable instead of the compact default. Served with the page (npm start); not in
 * the npm package: there give its bytes or URL as landmarkModel, keeping landmarkSha256. */
export declare const FULL_LANDMARK_MODEL: Readonly<{ landmarkModel: string; landmarkSha256: string }>;

export interface Pose {
  ok: boolean;
  failure?: string;
  rotation_matrix?: number[];
  rotation_vector?: number[];
  translation?: number[];
  rms_px?: number;
  iterations?: number;
  converged?: boolean;
}

/** The classifier's evidence of a face swap, from P(fake) and the model's band thresholds. */
export type Band = 'little_evidence' | 'uncertain' | 'substantial_evidence';

/** Pinhole intrinsics in pixels: the camera a face's poses were solved with (draw them with it). */
export interface CameraIntrinsics { fx: number; fy: number; cx: number; cy: number }

/** What the bands mean: thresholds on P(fake), and the held-out shares measured on people the model never saw. */
export interface Bands {
  low: number;
  high: number;
  held_out: { real: Record<Band, number>; fake: Record<Band, number> } | null;
}

export interface FaceResult {
  box: { left: number; top: number; right: number; bottom: number };
  detection_confidence: number;
  camera: CameraIntrinsics;
  landmarks: [number, number][];
  pose_whole: Pose;
  pose_central: Pose;
  features: Record<'vec' | 'vec_t' | 'rvec' | 'rvec_t' | 'rmat' | 'rmat_t', number[]> | null;
  cosine_distance: number | null;
  rotation_difference_deg: number | null;
  status: 'ok' | 'cannot_judge';
  reason: string;
  /** The face's P(fake) and band, from the checker's face cue (models.face_cue). */
  p_fake: number | null;
  band: Band | null;
  /** The pose cue alone (the paper's method), whichever cue decides. */
  pose_p_fake: number | null;
  pose_band: Band | null;
  /** The blend cue alone; null when not judged or without a blend classifier. */
  blend_p_fake: number | null;
  blend_band: Band | null;
  /** Both cues combined (models.combination); null when not judged or without a combination. It is p_fake when
   * the combination decides (models.face_cue 'combined'), else reported beside. */
  combined_p_fake: number | null;
  combined_band: Band | null;
  /** The face against its own surroundings (core/blend_evidence.h); null without a blend classifier. */
  blend: BlendEvidence | null;
}

/**
 * Blend measures: log ratios of fine-detail energy inside the face to a ring around it, in the same frame.
 * ring_to_face_detail: how many times more fine detail the surroundings have than the face.
 */
export type BlendEvidence =
  | { ok: true; detail_ratio: [number, number, number]; slope_difference: number; seam_ratio: number; chroma_step: number;
      ring_to_face_detail: number }
  | { ok: false; reason: string };

export interface ImageResult {
  width: number;
  height: number;
  /** Model hashes and the camera model used ('face': centred on each face; 'paper': the paper's). */
  models: {
    camera: 'face' | 'paper'; landmarks: string; face3d: string; classifier: string | null;
    blend_classifier: string | null; track_classifier: string | null;
    /** How the two cues are combined: log-odds(p_fake) = bias + pose_weight * log-odds(pose_p_fake)
     * + blend_weight * log-odds(blend_p_fake); null when no combination is loaded. */
    combination: { sha256: string; pose_weight: number; blend_weight: number; bias: number; decides: boolean;
      bands: Bands } | null;
    /** Which cue gives faces their P(fake): 'combined' when a combination that decides is loaded, else 'blend' when
     * a blend classifier is, else 'pose'. */
    face_cue: 'combined' | 'blend' | 'pose';
  };
  faces_found: number;
  /** Regions scanned around the previous frame's faces instead of the whole image (video frames, fullScanEvery);
   * 0: the whole image was scanned. */
  search_regions: number;
  /** Largest face first. */
  faces: FaceResult[];
  score: number | null;
  verdict: 'no_face' | 'not_scored' | 'cannot_judge' | Band;
  /** The face cue's bands (verdict, p_fake); pose_bands: the pose cue's (pose_p_fake). */
  bands: Bands | null;
  pose_bands: Bands | null;
  timestamp_ms?: number;
}

/** One person of a video: their faces linked across frames (core/person_tracks.h). */
export interface PersonResult {
  id: number;
  frames_seen: number;
  frames_judged: number;
  /** Seen in at least a quarter of the analysed frames: only main people decide the verdict. */
  main: boolean;
  mean_p_fake: number | null;
  /** Does the central face move in depth with the jaw line, or flat like a pasted picture? */
  head_motion:
    | { ok: true; flatness_ratio: number; central_depth: number; jaw_depth: number; nonrigid_rms: number }
    | { ok: false; reason: string };
  /** The two poses solved against this person's own 3D face, fitted over their judged frames (at most 120, evenly
   * spaced): the angle between them (mean, spread, frame-to-frame change, degrees) and the rigid residual of the central
   * points and of the jaw line (mm). Reported beside the verdict, never deciding it. */
  own_face:
    | { ok: true; angle_mean_deg: number; angle_sd_deg: number; angle_step_deg: number; central_rms_mm: number; jaw_rms_mm: number }
    | { ok: false; reason: string };
  head_motion_p_fake: number | null;
  /** With the blend cue: mean_p_fake. With the pose cue: head_motion_p_fake when there is one, else mean_p_fake. */
  score: number | null;
  basis: 'head_motion' | 'frames' | null;
  band: Band | null;
  most_suspicious_frames: number[];
  /** [frame index, face index in that frame's result] */
  appearances: [number, number][];
}

/** A video's people and verdict (fields as the CLI's video JSON). */
export interface VideoSummary {
  frames_analysed: number;
  people: PersonResult[];
  /** The highest score among main people. */
  score: number | null;
  verdict: 'no_face' | 'not_scored' | 'cannot_judge' | Band;
  bands: Bands | null;
  pose_bands: Bands | null;
  head_motion_bands: Bands | null;
}

export interface VideoSession {
  /** Checks a frame (as checkImage) and adds it to the video; frame indices must increase. */
  addFrame(source: ImageSource, frameIndex: number, options?: CheckOptions): Promise<ImageResult>;
  finish(): Promise<VideoSummary>;
}

export declare class PoseCheckError extends Error {
  code: string;
}

export type ImageSource =
  | ImageData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | VideoFrame | OffscreenCanvas
  | { rgba: Uint8Array | Uint8ClampedArray; width: number; height: number };

export declare class PoseChecker {
  static create(options?: ModelOptions): Promise<PoseChecker>;
  /**
   * The module's version and what it loaded, e.g. "posecheck 0.1.0 (landmarks: posecheck-compact-v1 5f6977bb70e6;
   * face3d: posecheck-face3d 1 …; classifier: posecheck-classifier 1 …; blend_classifier: …; track_classifier: …;
   * combination: posecheck-combination 1 …)": each model's format and the first 12 hex digits of its SHA-256 (the
   * results' `models` give the whole hashes), "none" for a model not loaded.
   */
  version(): string;
  /** Milliseconds the worker spent compiling the module and loading the models (of which the landmark model, and the rest). */
  loadTimes(): { moduleMs: number; modelsMs: number; landmarkModelMs: number; othersMs: number };
  checkImage(source: ImageSource, options?: CheckOptions): Promise<ImageResult>;
  /** Resolves null when the previous frame is still in flight (dropped). */
  checkVideoFrame(source: ImageSource, timestampMs: number, options?: CheckOptions): Promise<ImageResult | null>;
  /**
   * Starts a recorded video whose frames are linked into people; one at a time per checker. With helpers (other
   * checkers with the same models) the frames are checked side by side, in runs of fullScanEvery frames, and linked
   * here: the same results, people and verdict as on this checker alone. Keep about two frames per checker in flight.
   */
  beginVideo(options?: { helpers?: PoseChecker[] }): Promise<VideoSession>;
  close(): void;
}

/** Detection scale for live video: scans each frame at the smallest size that still finds the face seen last. */
/**
 * Checks a live <video> (a webcam) frame after frame: each presented frame is
 * checked once, as soon as the previous result is back; none queue.
 */
export declare function checkLive(checker: PoseChecker, video: HTMLVideoElement, handlers: {
  options?: () => CheckOptions;
  onResult: (result: ImageResult & { timestamp_ms: number }) => void;
  onError?: (error: PoseCheckError) => void;
}): { stop(): void };

export declare class LiveDetectionScale {
  static DETECTOR_MIN_FACE_PX: number;
  constructor(options?: { minSide?: number });
  /** Check options for the next frame: `base` plus a maxDetectionSide. */
  options(width: number, height: number, base?: CheckOptions): CheckOptions;
  /** Records the faces of a frame's result. */
  update(result: ImageResult | null): void;
}

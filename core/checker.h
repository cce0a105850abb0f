// Checker: the whole method of the paper for one image or video frame:
// detect faces -> 68 landmarks -> two head poses -> pose-difference
// features -> P(fake). Shared by the CLI and the WebAssembly module, so a
// result means the same thing everywhere.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "blend_evidence.h"
#include "classifier.h"
#include "cue_combination.h"
#include "face_detector.h"
#include "face_model_3d.h"
#include "head_pose.h"
#include "landmark_model.h"
#include "pose_features.h"

namespace posecheck {

struct CheckerOptions {
  DetectionOptions detection;
  // At most this many faces (the largest boxes first) are analysed; the
  // count of all faces found is still reported.
  int max_faces = 16;
  // A detection scoring below this (dlib's HOG detection score; by default
  // the detector reports what scores above 0) cannot be judged: it is not
  // clearly a face.
  // Measured (docs/results.md, "Non-faces"): all 3 663 DeepfakeTIMIT faces
  // score >= 0.75; 24 of the 382 faces found in HELEN photos (6.3%) score
  // below 0.3 (profiles, faces cut by the frame, blur, a painting): they
  // become cannot_judge; false detections harvested from face-free
  // DeepfakeTIMIT frames all score below 0. Applies to detected faces only,
  // not to bring-your-own landmarks.
  double min_detection_confidence = 0.3;
  // Landmarks from a box derived from the landmarks themselves: predict once
  // from the detector's box, then again from canonical_face_box() of that
  // result (a second prediction per face: the landmark stage measured 1.6x,
  // the whole check +10%). The detector's box jumps by pixels when
  // an image is padded or rescaled (its HOG grid moves), and the landmarks
  // follow the box; the canonical box follows the face instead, so the same
  // face gets (nearly) the same landmarks however it is framed
  // (docs/results.md, "Framing").
  bool refine_landmark_box = true;
  // Faces whose box is narrower than this cannot be judged: their landmarks
  // are too coarse for a pose difference to mean anything.
  double min_face_width_px = 40;
  // A pose whose RMS reprojection error exceeds this fraction of the face box
  // width cannot be judged: the landmarks do not fit a rigid face (profile
  // view, bad landmarks).
  double max_rms_fraction = 0.08;
  PoseSolverOptions solver;
  // Video tracking (person_tracks.h, check_video_frame()): when non-empty,
  // the detector scans only a square region around each of these boxes (the
  // faces of the previous analysed frame) instead of the whole image: side
  // kSearchRegionPerFace x the box's longer side, centred on it, clipped to
  // the image, and shrunk so the face is about kSearchFacePx pixels tall
  // (dlib finds faces from about 80 px; a smaller image is cheaper to scan).
  // Landmarks and poses still use the full-resolution image.
  std::vector<Box> search_around;
  // The camera the poses are solved with (geometry.h). Empty: the loaded
  // classifier's camera (the one it was trained with), or the face-centred
  // camera when no classifier is loaded. A camera that differs from the
  // loaded classifier's is refused (its P(fake) would mean nothing).
  std::optional<CameraModel> camera;
};

enum class FaceStatus { kOk, kCannotJudge };

// Which cue gives a face its P(fake) and band (Checker::face_cue()):
// kCombined when a cue combination that decides is loaded (both cues' P(fake)
// combined, cue_combination.h), else kBlend when a blend classifier is loaded (the face
// against its own surroundings, blend_evidence.h: the stronger cue,
// docs/results.md), else kPose (the paper's method: two head poses).
enum class FaceCue { kPose, kBlend, kCombined };
// Ensures: "pose" / "blend" / "combined" (the results' models.face_cue); "?"
// outside the enum. Never throws.
const char* face_cue_name(FaceCue cue);

struct FaceResult {
  Box box;
  double detection_confidence = 0;
  Landmarks landmarks;
  // The camera both poses were solved with (pixels); draw the poses with it.
  // All zero when the face could not be given one (degenerate landmarks).
  CameraIntrinsics camera;
  PoseEstimate pose_whole;    // landmarks 1-36, 49, 55
  PoseEstimate pose_central;  // landmarks 18-36, 49, 55
  std::optional<PoseFeatures> features;  // present when both poses are valid
  // The face's P(fake) and band, from the checker's face cue (face_cue()):
  // present when judged and that cue's classifier is loaded.
  std::optional<double> p_fake;
  std::optional<EvidenceBand> band;
  // The pose cue alone (the paper's method), whichever cue decides: present
  // when both poses are valid, the face passed the pose checks (size,
  // rigid fit, convergence, detection score), and a pose classifier is
  // loaded; so also on a face the blend cue could not judge.
  std::optional<double> pose_p_fake;
  std::optional<EvidenceBand> pose_band;
  // The blend cue's measures, when a blend classifier is loaded and the face
  // was checked in an image (not for bring-your-own landmarks).
  std::optional<BlendEvidence> blend;
  // The blend cue alone: present when the face is judged and a blend
  // classifier is loaded (p_fake is this, or the combination of this and
  // pose_p_fake).
  std::optional<double> blend_p_fake;
  std::optional<EvidenceBand> blend_band;
  // Both cues combined (cue_combination.h): present when a combination is
  // loaded and both cues judged the face; p_fake is this when the
  // combination decides (face_cue() == kCombined), else it is reported beside.
  std::optional<double> combined_p_fake;
  std::optional<EvidenceBand> combined_band;
  FaceStatus status = FaceStatus::kCannotJudge;
  std::string reason;  // why it cannot be judged; empty when ok
  // Angle between the two head rotations (degrees): the explanation in one number.
  double rotation_difference_deg = 0;
};

// See CheckerOptions::search_around.
constexpr double kSearchRegionPerFace = 2.0;
constexpr double kSearchFacePx = 120.0;

struct ImageResult {
  int width = 0, height = 0;
  // Regions scanned instead of the whole image (CheckerOptions::search_around);
  // 0: the whole image was scanned.
  int search_regions = 0;
  CameraModel camera = CameraModel::kFace;  // the camera the poses were solved with
  int faces_found = 0;  // before the max_faces cap
  std::vector<FaceResult> faces;  // largest box first
  // Max P(fake) over judged faces (the paper's code); empty when no face was
  // judged or no classifier is loaded. A face that cannot be judged is never
  // scored as real.
  std::optional<double> score;
};

// Wall-clock time per pipeline stage of one check() call, milliseconds,
// summed over the faces of the image (for benchmarks; measured per call).
struct StageTimings {
  // features_ms includes the blend measures (blend_evidence.h) when a blend
  // classifier is loaded; svm_ms both classifiers.
  double detect_ms = 0, landmarks_ms = 0, pose_ms = 0, features_ms = 0, svm_ms = 0;
};

// The face box dlib's detector would typically give for these landmarks:
// square, side 2.8 x their RMS spread, centred 0.1 x spread above their
// centroid (medians over the DeepfakeTIMIT and HELEN detections: side 2.83
// and 2.77, vertical offset -0.07 and -0.14).
// Requires: finite landmarks in image pixels. Ensures: that box, in image
// pixels (it may extend past the image); never throws.
Box canonical_face_box(const Landmarks& landmarks);

// Ensures: "ok" / "cannot_judge" (the results' face status). Never throws.
const char* status_name(FaceStatus s);

// Represents: loaded models and a detector. check() is not thread-safe (the
// detector keeps scratch state); use one Checker per thread.
class Checker {
 public:
  // classifier (the pose cue: one of the paper's variants) may be empty:
  // then faces get poses and features but no pose P(fake).
  // track_classifier (variant "track"; person_tracks.h) may be empty: then
  // people in videos are scored by their frames' mean P(fake) only.
  // blend_classifier (variant "blend" or "blend_sectors"; blend_evidence.h) may be empty: then
  // the pose cue gives each face its P(fake) (the paper's pipeline).
  // combination (cue_combination.h) may be empty; when given, it needs both
  //   the pose and the blend classifier, the very files it was fitted for
  //   (their SHA-256); it gives each face combined_p_fake, and its P(fake)
  //   when it decides (CueCombination::decides()).
  // Requires: models parsed by their own parsers (so each is well formed).
  // Ensures: a checker ready for check(); throws Error kModelFormat when a
  // classifier has another slot's variant, or the combination lacks or does
  // not match its classifiers.
  Checker(LandmarkModel landmarks, FaceModel3D face, std::optional<Classifier> classifier,
          std::optional<Classifier> track_classifier = std::nullopt, std::optional<Classifier> blend_classifier = std::nullopt,
          std::optional<CueCombination> combination = std::nullopt);

  // Requires: validate(image) passes (else throws Error); options.max_faces
  //   >= 0, options.detection valid (FaceDetector::detect) and
  //   options.camera empty or the loaded classifier's (else Error
  //   kInvalidArgument; kImageTooLarge for an upsample too large).
  // Ensures: the faces found (faces_found, all of them) and the largest
  //   max_faces of them analysed, largest box first; each face judged (ok,
  //   with the loaded cues' P(fake)) or cannot_judge with a reason, never
  //   silently scored; score the highest p_fake of the judged faces. When
  //   timings is non-null, it receives this call's stage times.
  ImageResult check(const ImageView& image, const CheckerOptions& options = {}, StageTimings* timings = nullptr);

  // The pose and classifier stages on given landmarks (bring-your-own
  // landmarks), camera from width/height. The box is the landmarks' bounding box.
  // With the blend cue or the combination (face_cue() != kPose) a face that passes is still
  // cannot_judge ("needs the image's pixels"); pose_p_fake is set.
  // Requires: width x height a valid image size (validate_size) and finite
  //   landmarks in its pixels (else throws Error); options as for check().
  // Ensures: the face as check() would judge it from these landmarks,
  //   without detection_confidence or blend.
  FaceResult judge_landmarks(const Landmarks& landmarks, int width, int height, const CheckerOptions& options = {}) const;

  // The loaded models, as given to the constructor (never throw).
  const FaceModel3D& face_model() const { return face_; }
  const LandmarkModel& landmark_model() const { return landmarks_; }
  const std::optional<Classifier>& classifier() const { return classifier_; }
  const std::optional<Classifier>& track_classifier() const { return track_classifier_; }
  const std::optional<Classifier>& blend_classifier() const { return blend_classifier_; }
  const std::optional<CueCombination>& combination() const { return combination_; }
  // The cue that gives faces their P(fake), and its bands (which a face's,
  // an image's and a person's verdict use); empty bands: nothing scores faces.
  // Requires nothing; never throw.
  FaceCue face_cue() const;
  std::optional<EvidenceBands> face_bands() const;

  // The camera a check with these options uses (see CheckerOptions::camera).
  // Throws Error kInvalidArgument when options.camera differs from the
  // loaded classifier's camera.
  CameraModel camera(const CheckerOptions& options) const;

 private:
  FaceResult judge(const Landmarks& landmarks, const Box& box, int width, int height, const CheckerOptions& options,
                   StageTimings* timings) const;
  // The blend cue (when its classifier is loaded): sets face.blend, and for a
  // face that passed judge(), its p_fake and band, or cannot_judge when its
  // surroundings are not in the image.
  void judge_blend(const ImageView& image, FaceResult& face, StageTimings* timings) const;

  LandmarkModel landmarks_;
  FaceModel3D face_;
  std::optional<Classifier> classifier_;
  std::optional<Classifier> track_classifier_;
  std::optional<Classifier> blend_classifier_;
  std::optional<CueCombination> combination_;
  FaceDetector detector_;
};

// The verdict word for a score: "no_face" (faces_found == 0), "not_scored"
// (no face classifier loaded), "cannot_judge" (no face could be judged), else
// the face cue's evidence band of the score (Checker::face_bands()).
// Requires: score in [0, 1] when present. Never throws.
std::string verdict(const std::optional<double>& score, int faces_found, const Checker& checker);

// The version line every front end reports (the CLI's `posecheck version`,
// the WebAssembly module's version()), so that one definition says which
// models a result came from:
//   loaded == nullptr: "posecheck <module_version> (no models loaded; reads
//     landmarks: <dlib and compact formats>; face3d: ...; classifiers: ...;
//     combination: ...)", the formats this build can read;
//   else "posecheck <module_version> (landmarks: <format> <sha>; face3d: ...;
//     classifier: ...; blend_classifier: ...; track_classifier: ...;
//     combination: ...)", each slot named as in the results' `models`, with
//     the loaded file's format and the first kVersionHashDigits hex digits of
//     its SHA-256, or "none" for an empty slot.
// Requires nothing (loaded may be null). Never throws beyond std::bad_alloc.
constexpr std::size_t kVersionHashDigits = 12;
std::string version_line(const std::string& module_version, const Checker* loaded);

}  // namespace posecheck

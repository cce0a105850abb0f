// Checker: the whole method of the paper for one image or video frame:
// detect faces -> 68 landmarks -> two head poses -> pose-difference
// features -> P(fake). Shared by the CLI and the WebAssembly module, so a
// result means the same thing everywhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classifier.h"
#include "face_detector.h"
#include "face_model_3d.h"
#include "head_pose.h"
#include "landmark_model.h"
#include "pose_features.h"

namespace posecheck {

struct CheckerOptions {
  DetectionOptions detection;
  // At most this many faces (the most confident) are analysed; the count of
  // all faces found is still reported.
  int max_faces = 16;
  // Faces whose box is narrower than this cannot be judged: their landmarks
  // are too coarse for a pose difference to mean anything.
  double min_face_width_px = 40;
  // A pose whose RMS reprojection error exceeds this fraction of the face box
  // width cannot be judged: the landmarks do not fit a rigid face (profile
  // view, bad landmarks).
  double max_rms_fraction = 0.08;
  PoseSolverOptions solver;
};

enum class FaceStatus { kOk, kCannotJudge };

struct FaceResult {
  Box box;
  double detection_confidence = 0;
  Landmarks landmarks;
  PoseEstimate pose_whole;    // landmarks 1-36, 49, 55
  PoseEstimate pose_central;  // landmarks 18-36, 49, 55
  std::optional<PoseFeatures> features;  // present when both poses are valid
  std::optional<double> p_fake;          // present when judged and a classifier is loaded
  std::optional<EvidenceBand> band;
  FaceStatus status = FaceStatus::kCannotJudge;
  std::string reason;  // why it cannot be judged; empty when ok
  // Angle between the two head rotations (degrees): the explanation in one number.
  double rotation_difference_deg = 0;
};

struct ImageResult {
  int width = 0, height = 0;
  int faces_found = 0;  // before the max_faces cap
  std::vector<FaceResult> faces;
  // Max P(fake) over judged faces (the paper's code); empty when no face was
  // judged or no classifier is loaded. A face that cannot be judged is never
  // scored as real.
  std::optional<double> score;
};

// Wall-clock time per pipeline stage of one check() call, milliseconds,
// summed over the faces of the image (for benchmarks; measured per call).
struct StageTimings {
  double detect_ms = 0, landmarks_ms = 0, pose_ms = 0, features_ms = 0, svm_ms = 0;
};

// "ok" / "cannot_judge".
const char* status_name(FaceStatus s);

// Represents: loaded models and a detector. check() is not thread-safe (the
// detector keeps scratch state); use one Checker per thread.
class Checker {
 public:
  // classifier may be empty: then faces get poses and features but no P(fake).
  Checker(LandmarkModel landmarks, FaceModel3D face, std::optional<Classifier> classifier);

  // Requires: validate(image) passes (else throws Error).
  // Ensures: when timings is non-null, it receives this call's stage times.
  ImageResult check(const ImageView& image, const CheckerOptions& options = {}, StageTimings* timings = nullptr);

  // The pose and classifier stages on given landmarks (bring-your-own
  // landmarks), camera from width/height. The box is the landmarks' bounding box.
  FaceResult judge_landmarks(const Landmarks& landmarks, int width, int height, const CheckerOptions& options = {}) const;

  const FaceModel3D& face_model() const { return face_; }
  const LandmarkModel& landmark_model() const { return landmarks_; }
  const std::optional<Classifier>& classifier() const { return classifier_; }

 private:
  FaceResult judge(const Landmarks& landmarks, const Box& box, int width, int height, const CheckerOptions& options,
                   StageTimings* timings) const;

  LandmarkModel landmarks_;
  FaceModel3D face_;
  std::optional<Classifier> classifier_;
  FaceDetector detector_;
};

// The verdict word for a score: "no_face" (faces_found == 0), "not_scored"
// (no classifier loaded), "cannot_judge" (no face could be judged), else the
// classifier's evidence band of the score.
std::string verdict(const std::optional<double>& score, int faces_found, const Checker& checker);

// Video verdict: the mean of per-frame scores over frames that have a score
// (the paper). Empty when no frame has one.
std::optional<double> video_score(const std::vector<std::optional<double>>& frame_scores);

}  // namespace posecheck

// A person's own 3D face, fitted over the frames of one person track, and the
// head-pose evidence measured against it (issue 18, item 1).
//
// Why: the paper solves the whole-face and central-face poses against one
// mean 3D face, so their difference mostly measures how this person's face
// departs from the mean (identity), not a splice. In a video, one rigid head
// explains every frame (up to expression): fitting that head's own shape over
// the track takes identity out, and what is left of the whole-vs-central
// difference is how each frame departs from the person's own rigid face.
//
// Fit (deterministic; no random numbers, no threads): the pinhole camera of
// every frame (by default the face-centred camera of geometry.h, as the
// checker uses), alternating
//  (a) per frame: the head's pose against the current shape, by the
//      project's solver (head_pose.h), started from the frame's last pose;
//  (b) the shape: for every point j, one Gauss-Newton step on its 3D
//      position over all frames, plus a prior pulling X_j towards the mean
//      face's point with weight `prior_weight` (in frames: the prior counts
//      as that many frontal views of the mean face). Depth is only
//      observable when the head turns; for a head that hardly turns the
//      shape keeps the mean face's depth and takes the person's own
//      proportions in the image plane.
// Residuals are in millimetres at the face (pixels times depth over focal),
// so every frame weighs the same whatever its size; the scale that the
// shape shares with the translations is held by the prior. A scaled-
// orthographic fit was tried first and rejected on synthetic heads before
// any data was looked at: at the face camera's distance (focal 8.6 x the
// landmark spread) perspective is strong enough that it put 4-6 mm of error
// into the shape.
//
// Conventions: landmarks in image pixels (geometry.h), one Landmarks per
// frame of one person, in time order (the frame-to-frame change needs it);
// the shape in the model frame and millimetres of face_model_3d.h.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "face_model_3d.h"
#include "geometry.h"
#include "head_pose.h"

namespace posecheck {

struct OwnFaceOptions {
  // The prior's weight, in frames (> 0). Chosen before any measurement as
  // one frame's worth: a few frames outweigh it in the image plane.
  double prior_weight = 1.0;
  int max_iterations = 50;      // alternations of (a) and (b), >= 1
  double tolerance = 1e-10;     // stop when the shape moves less (relative RMS, mm)
};

struct OwnFaceFit {
  bool ok = false;
  std::string reason;           // why not ok
  FaceModel3D shape;            // the person's own face (sha256 empty)
  // Per input frame: the head's pose (model -> camera) in the fit. The
  // shape's orientation is fixed only by the prior, so compare frames by
  // relative rotations R_t R_0^T, which do not depend on it.
  std::vector<Pose> poses;
  int iterations = 0;
  // RMS residual of one rigid body over the track (mm at the face), for the
  // central points (18-36, 49, 55) and the jaw line (1-17).
  double central_rms_mm = 0;
  double jaw_rms_mm = 0;
};

constexpr int kMinOwnFaceFrames = 4;
// Requires: options in range (prior_weight > 0, max_iterations >= 1; else
//   throws Error kInvalidArgument). Fewer than kMinOwnFaceFrames frames,
//   non-finite points or a frame whose points coincide give ok = false with a
//   reason, as does a frame no pose fits.
// Ensures when ok: every shape point finite; one pose per frame, each with
//   the face in front of the camera.
OwnFaceFit fit_own_face(const std::vector<Landmarks>& frames, const FaceModel3D& mean_face,
                        const OwnFaceOptions& options = {});
// The same with the camera of each frame given (cameras.size() ==
// frames.size(), fx, fy > 0), for callers that know it.
OwnFaceFit fit_own_face(const std::vector<Landmarks>& frames, const std::vector<CameraIntrinsics>& cameras,
                        const FaceModel3D& mean_face, const OwnFaceOptions& options = {});

// The whole-vs-central pose difference of one frame against a given 3D face
// (the face-centred camera, the product's solver and start rule).
struct FramePoseDifference {
  bool ok = false;
  std::array<double, 9> rmat{};        // R_whole - R_central, row-major
  double rotation_difference_deg = 0;  // angle of R_whole R_central^T
};
// Requires: finite landmarks not all equal. ok = false when a solve fails.
FramePoseDifference frame_pose_difference(const Landmarks& landmarks, const FaceModel3D& face,
                                          const PoseSolverOptions& solver = {});

struct OwnFaceEvidence {
  bool ok = false;
  std::string reason;
  OwnFaceFit fit;
  std::vector<FramePoseDifference> frames;  // per input frame, against the own face
  double angle_mean_deg = 0;    // mean of rotation_difference_deg over solved frames
  double angle_sd_deg = 0;      // its population standard deviation
  double angle_step_deg = 0;    // mean |change| between consecutive solved frames
};

// Fits the own face, then solves both poses of every frame against it.
// Requires nothing (see fit_own_face); ok = false with a reason when the fit
// fails or fewer than kMinOwnFaceFrames frames solve.
OwnFaceEvidence own_face_evidence(const std::vector<Landmarks>& frames, const FaceModel3D& mean_face,
                                  const OwnFaceOptions& options = {}, const PoseSolverOptions& solver = {});

// The 6 track numbers, in this order: angle_mean_deg, angle_sd_deg,
// angle_step_deg, central_rms_mm, jaw_rms_mm, central_rms_mm / jaw_rms_mm.
constexpr int kOwnFaceTrackFeatureCount = 6;
// Requires evidence.ok (else throws Error kInvalidArgument). Ensures:
// kOwnFaceTrackFeatureCount finite numbers.
std::vector<double> own_face_track_features(const OwnFaceEvidence& evidence);

}  // namespace posecheck

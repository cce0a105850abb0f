// Extensions beyond the paper ("Beyond the paper" in docs/results.md): more
// measurements of the same idea, that a face swap replaces the central face
// and keeps the outer face, so the two disagree about the head's pose.
//
//   Region residuals: ONE pose fitted to all 68 landmarks; the root-mean-
//   square reprojection error (pixels) of the central points (18-36, 49, 55)
//   and of the jaw contour (1-17) under that single pose. A spliced centre
//   that does not fit the kept outline shows up as residual concentrated in
//   one region.
//   Jaw pose: the pose from the jaw contour alone (1-17, the region a swap
//   keeps) against the central-face pose (18-36, 49, 55, the region a swap
//   replaces): Rjaw - Rc (9, row-major, "jaw minus central") and the angle of
//   Rjaw Rc^T (degrees). The paper's whole face (1-36, 49, 55) mixes both
//   regions; this separates them.
//
// No I/O; deterministic.
#pragma once

#include <Eigen/Core>

#include "face_model_3d.h"
#include "geometry.h"
#include "head_pose.h"

namespace posecheck {

struct RegionResiduals {
  bool ok = false;                  // false when the 68-point fit failed
  double rms_all_px = 0;            // all 68 points
  double rms_central_px = 0;        // points 18-36, 49, 55
  double rms_jaw_px = 0;            // points 1-17
};

// Requires: finite landmarks, camera.fx, fy > 0.
// Ensures when ok: the three RMS values are >= 0 and come from one pose
//   (solve_pose on all 68 points, started from `start` when given).
RegionResiduals region_residuals(const Landmarks& landmarks, const FaceModel3D& face, const CameraIntrinsics& camera,
                                 const PoseSolverOptions& options = {}, const Pose* start = nullptr);

struct JawCentralDifference {
  bool ok = false;                  // false when either pose failed
  PoseEstimate jaw, central;
  Eigen::Matrix<double, 9, 1> rmat = Eigen::Matrix<double, 9, 1>::Zero();  // Rjaw - Rc, row-major
  double rotation_difference_deg = 0;                                       // angle of Rjaw Rc^T
};

// Requires: as region_residuals. Both solves start from `start` when given
// (the checker passes the whole-face pose, keeping all poses on one branch).
// Ensures when ok: rmat is zero iff the two rotations are equal.
JawCentralDifference jaw_central_difference(const Landmarks& landmarks, const FaceModel3D& face, const CameraIntrinsics& camera,
                                            const PoseSolverOptions& options = {}, const Pose* start = nullptr);

}  // namespace posecheck

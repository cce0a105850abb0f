// Head pose from 2D-3D point correspondences (perspective-n-point), solved by
// the project's own Levenberg-Marquardt in Eigen.
//
// Cost minimised (the paper's objective, eq. 3):
//   E(R, t) = sum_i || x_i - project(K, R * X_i + t) ||^2       (pixels^2)
// with X_i the 3D model points, x_i the image landmarks and K the pinhole
// intrinsics (no distortion). Parameters: rotation (as a rotation vector)
// and translation, 6 in all.
//
// Front-facing constraint: every model point must stay in front of the camera
// (camera-frame z > 0) throughout the solve. OpenCV's iterative solver from
// its default start is not constrained this way and often ends in the
// depth-mirrored pose behind the camera (measured in tests/). Here a step
// that would put a point behind the camera is rejected like one that raises
// the cost, so the solver can only return a front-facing pose.
//
// Start: closed form from the scaled-orthographic (weak-perspective) camera:
// a linear least-squares fit of the normalised image points to the centred
// model, projected onto the nearest rotation by SVD; depth from the scale.
// It is front-facing by construction. A caller may instead pass a start pose
// (the checker starts the central-face solve from the whole-face pose).
//
// Stopping rule (converged): an accepted step lowered the cost by less than
// relative_tolerance * the new cost, or the cost is below 1e-20 px^2, or the
// step's size is below step_tolerance; or a rejected step (cost not lowered,
// or the face behind the camera) raised the damping above 1e12 or was itself
// below step_tolerance (no improving step exists: a minimum). The step's size
// is |rotation change| (rad) + |translation change| / max(1, |translation|).
// Not converged: max_iterations steps evaluated, accepted or rejected.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "geometry.h"

namespace posecheck {

struct Pose {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();  // R: model frame -> camera frame
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();   // t, millimetres, camera frame
};

// Rotation vector (axis * angle, radians, angle in [0, pi]) of R, and back.
// Requires: rotation orthonormal with det +1 (rotation_vector); a finite
//   vector (rotation_matrix). Ensures: rotation_matrix(rotation_vector(R))
//   is R up to rounding; rotation_matrix gives an orthonormal matrix, the
//   identity for a zero vector. Never throw.
Eigen::Vector3d rotation_vector(const Eigen::Matrix3d& rotation);
Eigen::Matrix3d rotation_matrix(const Eigen::Vector3d& rotation_vector);

struct PoseSolverOptions {
  // Real faces need a median of 8 steps, but a few badly fitting ones crawl
  // along a flat valley (one AFW face: 588 steps). Steps cost microseconds.
  int max_iterations = 1000;
  double relative_tolerance = 1e-12;
  double step_tolerance = 1e-12;
};

struct PoseEstimate {
  bool ok = false;          // false: `failure` says why; no pose fields are meaningful
  std::string failure;
  Pose pose;
  Eigen::Vector3d rotation_vector = Eigen::Vector3d::Zero();
  double rms_px = 0;        // sqrt(E / N): root-mean-square reprojection error, pixels
  int iterations = 0;       // LM steps evaluated
  bool converged = false;   // stopped by the tolerance rule, not by max_iterations
};

// Requires: model.size() == image.size() >= 4; camera.fx, fy > 0 and finite;
//   all coordinates finite. Degenerate inputs (too few points, collinear image
//   or 3D points, coplanar 3D points, zero focal) give ok = false with a
//   reason, never a pose. A start pose that puts a point behind the camera is
//   replaced by the closed-form start.
// Ensures when ok: pose.translation.z() > 0 and every model point is in front
//   of the camera; rotation is orthonormal with det +1.
PoseEstimate solve_pose(const std::vector<Point3>& model, const std::vector<Point2>& image,
                        const CameraIntrinsics& camera, const PoseSolverOptions& options = {},
                        const Pose* start = nullptr);

// Projects model points through a pose and camera (pixels).
// Requires: camera fx, fy > 0; points in front of the camera (z > 0 after the
//   pose) for a meaningful projection. Ensures: one image point per model
//   point, in order. Never throws (beyond std::bad_alloc).
std::vector<Point2> project_points(const std::vector<Point3>& model, const Pose& pose, const CameraIntrinsics& camera);

}  // namespace posecheck

// The paper code's head-pose solve, for comparison only (never used by the
// checker): OpenCV's iterative cv::solvePnP from its own default start (no
// extrinsic guess), no distortion, with the 3D face z-negated as in the
// authors' code. Unconstrained: it may return a pose behind the camera.
// Available only when the tools are built with OpenCV (core + calib3d);
// POSECHECK_HAVE_OPENCV is then defined for tools/.
#pragma once

#include <vector>

#include "geometry.h"
#include "head_pose.h"

namespace posecheck::research {

// True when this build has OpenCV (else paper_solve returns ok = false).
bool have_paper_solver();

struct PaperPose {
  bool ok = false;
  Pose pose;                       // may have translation.z() < 0
  Eigen::Vector3d rotation_vector = Eigen::Vector3d::Zero();  // OpenCV's rvec
};

// model: the 3D points as stored (this function negates z); image: pixels.
PaperPose paper_solve(const std::vector<Point3>& model, const std::vector<Point2>& image, const CameraIntrinsics& camera);

}  // namespace posecheck::research

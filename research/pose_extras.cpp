#include "pose_extras.h"

#include <cmath>
#include <numeric>

#include <Eigen/Geometry>

namespace posecheck {
namespace {


double rms_over(const std::vector<int>& idx, const std::vector<Point2>& projected, const Landmarks& lm) {
  double sum = 0;
  for (int i : idx) sum += (projected[i] - lm[i]).squaredNorm();
  return std::sqrt(sum / double(idx.size()));
}

}  // namespace

RegionResiduals region_residuals(const Landmarks& lm, const FaceModel3D& face, const CameraIntrinsics& camera,
                                 const PoseSolverOptions& options, const Pose* start) {
  RegionResiduals r;
  std::vector<int> all(kNumLandmarks);
  std::iota(all.begin(), all.end(), 0);
  std::vector<Point3> model;
  std::vector<Point2> image;
  select_correspondences(all, lm, face, model, image);
  const PoseEstimate e = solve_pose(model, image, camera, options, start);
  if (!e.ok) return r;
  const auto projected = project_points(model, e.pose, camera);
  r.ok = true;
  r.rms_all_px = rms_over(all, projected, lm);
  r.rms_central_px = rms_over(central_face_indices(), projected, lm);
  r.rms_jaw_px = rms_over(jaw_indices(), projected, lm);
  return r;
}

JawCentralDifference jaw_central_difference(const Landmarks& lm, const FaceModel3D& face, const CameraIntrinsics& camera,
                                            const PoseSolverOptions& options, const Pose* start) {
  JawCentralDifference d;
  std::vector<Point3> model;
  std::vector<Point2> image;
  select_correspondences(jaw_indices(), lm, face, model, image);
  d.jaw = solve_pose(model, image, camera, options, start);
  select_correspondences(central_face_indices(), lm, face, model, image);
  d.central = solve_pose(model, image, camera, options, start);
  if (!d.jaw.ok || !d.central.ok) return d;
  d.ok = true;
  const Eigen::Matrix3d diff = d.jaw.pose.rotation - d.central.pose.rotation;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d.rmat[3 * i + j] = diff(i, j);
  const Eigen::AngleAxisd rel(d.jaw.pose.rotation * d.central.pose.rotation.transpose());
  d.rotation_difference_deg = rel.angle() * 180.0 / M_PI;
  return d;
}

}  // namespace posecheck

#include "own_face.h"

#include <cmath>

#include <Eigen/Dense>
#include <Eigen/Geometry>

#include "errors.h"

namespace posecheck {
namespace {

constexpr double kPi = 3.14159265358979323846;

double rms_spread(const std::vector<Point3>& points) {
  Point3 c = Point3::Zero();
  for (const auto& p : points) c += p;
  c /= double(points.size());
  double sum = 0;
  for (const auto& p : points) sum += (p - c).squaredNorm();
  return std::sqrt(sum / double(points.size()));
}

// Pixels -> millimetres at the face for a frame seen through `cam` at `pose`.
double mm_per_pixel(const Pose& pose, const CameraIntrinsics& cam) { return pose.translation.z() / cam.fx; }

}  // namespace

OwnFaceFit fit_own_face(const std::vector<Landmarks>& frames, const FaceModel3D& mean_face, const OwnFaceOptions& o) {
  std::vector<CameraIntrinsics> cameras;
  for (const auto& lm : frames) {
    bool finite = true;
    for (const auto& p : lm) finite = finite && p.allFinite();
    if (!finite || !(landmark_frame(lm).spread > 1e-9)) break;  // the fit below names the fault
    cameras.push_back(camera_for_face(lm));
  }
  if (cameras.size() != frames.size()) cameras.assign(frames.size(), CameraIntrinsics{1, 1, 0, 0});
  return fit_own_face(frames, cameras, mean_face, o);
}

OwnFaceFit fit_own_face(const std::vector<Landmarks>& frames, const std::vector<CameraIntrinsics>& cameras,
                        const FaceModel3D& mean_face, const OwnFaceOptions& o) {
  OwnFaceFit fit;
  const int T = int(frames.size());
  if (T < kMinOwnFaceFrames) {
    fit.reason = "track too short for a 3D face (" + std::to_string(T) + " frames, need " +
                 std::to_string(kMinOwnFaceFrames) + ")";
    return fit;
  }
  if (!(o.prior_weight > 0) || o.max_iterations < 1 || cameras.size() != frames.size())
    throw Error(ErrorCode::kInvalidArgument, "own-face fit: options out of range or one camera per frame missing");
  for (const auto& lm : frames) {
    for (const auto& p : lm)
      if (!p.allFinite()) {
        fit.reason = "landmarks must be finite numbers";
        return fit;
      }
    if (!(landmark_frame(lm).spread > 1e-9)) {
      fit.reason = "the landmarks of a frame are degenerate (all at one point)";
      return fit;
    }
  }
  const std::vector<Point3> mean(mean_face.points.begin(), mean_face.points.end());
  const double mean_spread = rms_spread(mean);
  std::vector<Point3> shape = mean;
  std::vector<std::vector<Point2>> image(static_cast<std::size_t>(T));
  std::vector<Pose> pose(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t) {
    image[t].assign(frames[t].begin(), frames[t].end());
    const PoseEstimate e = solve_pose(shape, image[t], cameras[t]);
    if (!e.ok) {
      fit.reason = "a frame's landmarks do not fit a head: " + e.failure;
      return fit;
    }
    pose[t] = e.pose;
  }
  for (fit.iterations = 1;; ++fit.iterations) {
    // (b) one Gauss-Newton step per point, residuals in mm at the face:
    //     (w I + sum_t J_t^T J_t) dX = w (M_j - X_j) + sum_t J_t^T r_t.
    double moved_sq = 0;
    for (int j = 0; j < kNumLandmarks; ++j) {
      Eigen::Matrix3d A = o.prior_weight * Eigen::Matrix3d::Identity();
      Eigen::Vector3d g = o.prior_weight * (mean[j] - shape[j]);
      for (int t = 0; t < T; ++t) {
        const Eigen::Matrix3d& R = pose[t].rotation;
        const Eigen::Vector3d y = R * shape[j] + pose[t].translation;
        if (!(y.z() > 0)) continue;
        const CameraIntrinsics& c = cameras[t];
        const double k = mm_per_pixel(pose[t], c);
        Eigen::Matrix<double, 2, 3> dproj;
        dproj << c.fx / y.z(), 0, -c.fx * y.x() / (y.z() * y.z()), 0, c.fy / y.z(), -c.fy * y.y() / (y.z() * y.z());
        const Eigen::Matrix<double, 2, 3> J = k * dproj * R;
        const Point2 projected(c.fx * y.x() / y.z() + c.cx, c.fy * y.y() / y.z() + c.cy);
        const Eigen::Vector2d r = k * (image[t][j] - projected);
        A.noalias() += J.transpose() * J;
        g.noalias() += J.transpose() * r;
      }
      const Eigen::Vector3d step = A.ldlt().solve(g);
      if (!step.allFinite()) continue;
      shape[j] += step;
      moved_sq += step.squaredNorm();
    }
    // (a) every frame's pose against the new shape, from its last pose.
    for (int t = 0; t < T; ++t) {
      const PoseEstimate e = solve_pose(shape, image[t], cameras[t], {}, &pose[t]);
      if (e.ok) pose[t] = e.pose;
    }
    const double moved = std::sqrt(moved_sq / kNumLandmarks) / mean_spread;
    if (!(moved > o.tolerance) || fit.iterations >= o.max_iterations) break;
  }
  double central = 0, jaw = 0;
  for (int t = 0; t < T; ++t) {
    const auto projected = project_points(shape, pose[t], cameras[t]);
    const double k = mm_per_pixel(pose[t], cameras[t]);
    for (int j : central_face_indices()) central += k * k * (image[t][j] - projected[j]).squaredNorm();
    for (int j : jaw_indices()) jaw += k * k * (image[t][j] - projected[j]).squaredNorm();
  }
  fit.central_rms_mm = std::sqrt(central / (double(T) * central_face_indices().size()));
  fit.jaw_rms_mm = std::sqrt(jaw / (double(T) * jaw_indices().size()));
  for (int j = 0; j < kNumLandmarks; ++j) {
    if (!shape[j].allFinite()) {
      fit.reason = "the 3D face fit did not give finite points";
      return fit;
    }
    fit.shape.points[std::size_t(j)] = shape[j];
  }
  fit.poses = pose;
  fit.ok = true;
  return fit;
}

FramePoseDifference frame_pose_difference(const Landmarks& lm, const FaceModel3D& face, const PoseSolverOptions& solver) {
  FramePoseDifference d;
  const CameraIntrinsics cam = camera_for_face(lm);
  std::vector<Point3> model;
  std::vector<Point2> image;
  select_correspondences(whole_face_indices(), lm, face, model, image);
  const PoseEstimate whole = solve_pose(model, image, cam, solver);
  if (!whole.ok) return d;
  select_correspondences(central_face_indices(), lm, face, model, image);
  const PoseEstimate central = solve_pose(model, image, cam, solver, &whole.pose);
  if (!central.ok) return d;
  const Eigen::Matrix3d diff = whole.pose.rotation - central.pose.rotation;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d.rmat[std::size_t(3 * i + j)] = diff(i, j);
  const Eigen::AngleAxisd between(whole.pose.rotation * central.pose.rotation.transpose());
  d.rotation_difference_deg = between.angle() * 180.0 / kPi;
  d.ok = true;
  return d;
}

OwnFaceEvidence own_face_evidence(const std::vector<Landmarks>& frames, const FaceModel3D& mean_face,
                                  const OwnFaceOptions& options, const PoseSolverOptions& solver) {
  OwnFaceEvidence e;
  e.fit = fit_own_face(frames, mean_face, options);
  if (!e.fit.ok) {
    e.reason = e.fit.reason;
    return e;
  }
  std::vector<double> angles;
  for (const auto& lm : frames) {
    e.frames.push_back(frame_pose_difference(lm, e.fit.shape, solver));
    if (e.frames.back().ok) angles.push_back(e.frames.back().rotation_difference_deg);
  }
  if (int(angles.size()) < kMinOwnFaceFrames) {
    e.reason = "too few frames solve against the person's own face";
    return e;
  }
  const double n = double(angles.size());
  for (double a : angles) e.angle_mean_deg += a / n;
  for (double a : angles) e.angle_sd_deg += (a - e.angle_mean_deg) * (a - e.angle_mean_deg) / n;
  e.angle_sd_deg = std::sqrt(e.angle_sd_deg);
  for (std::size_t k = 1; k < angles.size(); ++k) e.angle_step_deg += std::abs(angles[k] - angles[k - 1]);
  e.angle_step_deg /= n - 1;
  e.ok = true;
  return e;
}

std::vector<double> own_face_track_features(const OwnFaceEvidence& e) {
  if (!e.ok) throw Error(ErrorCode::kInvalidArgument, "own-face features need judged evidence: " + e.reason);
  const double ratio = e.fit.jaw_rms_mm > 0 ? e.fit.central_rms_mm / e.fit.jaw_rms_mm : 0;
  return {e.angle_mean_deg, e.angle_sd_deg, e.angle_step_deg, e.fit.central_rms_mm, e.fit.jaw_rms_mm, ratio};
}

}  // namespace posecheck

#include "head_pose.h"

#include <cmath>
#include <limits>

#include <Eigen/Geometry>
#include <Eigen/LU>
#include <Eigen/SVD>

namespace posecheck {

Eigen::Vector3d rotation_vector(const Eigen::Matrix3d& rotation) {
  const Eigen::AngleAxisd aa(rotation);
  return aa.axis() * aa.angle();
}

Eigen::Matrix3d rotation_matrix(const Eigen::Vector3d& rv) {
  const double angle = rv.norm();
  if (angle < 1e-300) return Eigen::Matrix3d::Identity();
  return Eigen::AngleAxisd(angle, rv / angle).toRotationMatrix();
}

std::vector<Point2> project_points(const std::vector<Point3>& model, const Pose& pose, const CameraIntrinsics& camera) {
  std::vector<Point2> out;
  out.reserve(model.size());
  for (const auto& X : model) {
    const Eigen::Vector3d P = pose.rotation * X + pose.translation;
    out.emplace_back(camera.fx * P.x() / P.z() + camera.cx, camera.fy * P.y() / P.z() + camera.cy);
  }
  return out;
}

namespace {

PoseEstimate failure(const std::string& why) {
  PoseEstimate e;
  e.ok = false;
  e.failure = why;
  return e;
}

bool all_finite(const std::vector<Point3>& model, const std::vector<Point2>& image) {
  for (const auto& p : model) if (!p.allFinite()) return false;
  for (const auto& p : image) if (!p.allFinite()) return false;
  return true;
}

// Weak-perspective closed form. Returns false with a reason when degenerate.
bool closed_form_start(const std::vector<Point3>& model, const std::vector<Point2>& image,
                       const CameraIntrinsics& cam, Pose& pose, std::string& why) {
  const int n = static_cast<int>(model.size());
  Point3 model_mean = Point3::Zero();
  Point2 uv_mean = Point2::Zero();
  std::vector<Point2> uv(n);
  for (int i = 0; i < n; ++i) {
    uv[i] = Point2((image[i].x() - cam.cx) / cam.fx, (image[i].y() - cam.cy) / cam.fy);
    model_mean += model[i];
    uv_mean += uv[i];
  }
  model_mean /= n;
  uv_mean /= n;
  Eigen::MatrixXd X(n, 3), U(n, 2);
  for (int i = 0; i < n; ++i) {
    X.row(i) = (model[i] - model_mean).transpose();
    U.row(i) = (uv[i] - uv_mean).transpose();
  }
  Eigen::JacobiSVD<Eigen::MatrixXd> xsvd(X, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const auto xs = xsvd.singularValues();
  if (!(xs(1) > 1e-9 * xs(0))) {
    why = "model points are collinear";
    return false;
  }
  if (!(xs(2) > 1e-6 * xs(0))) {
    why = "model points are coplanar: the closed-form start needs a 3D spread";
    return false;
  }
  // U ~= X * A^T, A the 2x3 scaled-orthographic projection.
  const Eigen::MatrixXd At = xsvd.solve(U);  // 3x2
  const Eigen::Matrix<double, 2, 3> A = At.transpose();
  Eigen::JacobiSVD<Eigen::Matrix<double, 2, 3>> asvd(A, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const auto as = asvd.singularValues();
  if (!(as(1) > 1e-6 * as(0)) || !(as(0) > 0)) {
    why = "image points are collinear or coincident";
    return false;
  }
  const double scale = 0.5 * (as(0) + as(1));  // ~ 1 / depth
  const Eigen::Matrix<double, 2, 3> R12 = asvd.matrixU() * Eigen::Matrix<double, 2, 3>::Identity() * asvd.matrixV().transpose();
  Eigen::Matrix3d R;
  R.row(0) = R12.row(0);
  R.row(1) = R12.row(1);
  R.row(2) = R12.row(0).cross(R12.row(1));
  const double depth = 1.0 / scale;
  pose.rotation = R;
  pose.translation = Eigen::Vector3d(uv_mean.x() * depth, uv_mean.y() * depth, depth) - R * model_mean;
  return true;
}

struct Evaluation {
  double cost = std::numeric_limits<double>::infinity();
  bool in_front = false;
};

Evaluation evaluate(const std::vector<Point3>& model, const std::vector<Point2>& image, const CameraIntrinsics& cam,
                    const Pose& pose, Eigen::VectorXd* residuals, Eigen::MatrixXd* jacobian) {
  const int n = static_cast<int>(model.size());
  Evaluation ev;
  ev.cost = 0;
  for (int i = 0; i < n; ++i) {
    const Eigen::Vector3d P = pose.rotation * model[i] + pose.translation;
    if (!(P.z() > 0)) return Evaluation{};
    const double iz = 1.0 / P.z();
    const double u = cam.fx * P.x() * iz + cam.cx, v = cam.fy * P.y() * iz + cam.cy;
    const double ru = u - image[i].x(), rv = v - image[i].y();
    ev.cost += ru * ru + rv * rv;
    if (residuals) {
      (*residuals)(2 * i) = ru;
      (*residuals)(2 * i + 1) = rv;
    }
    if (jacobian) {
      // d(u,v)/dP, then dP/d(omega) = -[R X]_x for the left update exp(omega) R,
      // and dP/dt = I.
      Eigen::Matrix<double, 2, 3> dproj;
      dproj << cam.fx * iz, 0, -cam.fx * P.x() * iz * iz, 0, cam.fy * iz, -cam.fy * P.y() * iz * iz;
      const Eigen::Vector3d RX = P - pose.translation;
      Eigen::Matrix3d skew;
      skew << 0, -RX.z(), RX.y(), RX.z(), 0, -RX.x(), -RX.y(), RX.x(), 0;
      jacobian->block<2, 3>(2 * i, 0) = -dproj * skew;
      jacobian->block<2, 3>(2 * i, 3) = dproj;
    }
  }
  ev.in_front = true;
  return ev;
}

}  // namespace

PoseEstimate solve_pose(const std::vector<Point3>& model, const std::vector<Point2>& image,
                        const CameraIntrinsics& camera, const PoseSolverOptions& options, const Pose* start) {
  if (model.size() != image.size()) return failure("model and image point counts differ");
  if (model.size() < 4) return failure("need at least 4 point pairs, got " + std::to_string(model.size()));
  if (!(camera.fx > 0) || !(camera.fy > 0) || !std::isfinite(camera.fx) || !std::isfinite(camera.fy) ||
      !std::isfinite(camera.cx) || !std::isfinite(camera.cy)) {
    return failure("camera focal lengths must be positive and finite");
  }
  if (!all_finite(model, image)) return failure("points must be finite");
  if (options.max_iterations < 1) return failure("max_iterations must be at least 1");

  const int n = static_cast<int>(model.size());
  Pose pose;
  std::string why;
  // The closed form also checks the point configurations for degeneracy.
  Pose closed;
  if (!closed_form_start(model, image, camera, closed, why)) return failure(why);
  pose = start ? *start : closed;

  Eigen::VectorXd r(2 * n);
  Eigen::MatrixXd J(2 * n, 6);
  Evaluation current = evaluate(model, image, camera, pose, &r, &J);
  if (!current.in_front) {
    if (!start) return failure("closed-form start is behind the camera");
    pose = closed;  // the given start was unusable: fall back to the closed form
    current = evaluate(model, image, camera, pose, &r, &J);
    if (!current.in_front) return failure("no start pose in front of the camera");
  }

  PoseEstimate est;
  double lambda = 1e-3;
  bool converged = current.cost < 1e-20;
  int it = 0;
  while (!converged && it < options.max_iterations) {
    ++it;
    const Eigen::Matrix<double, 6, 6> JtJ = J.transpose() * J;
    const Eigen::Matrix<double, 6, 1> Jtr = J.transpose() * r;
    Eigen::Matrix<double, 6, 6> A = JtJ;
    for (int k = 0; k < 6; ++k) A(k, k) += lambda * std::max(JtJ(k, k), 1e-12);
    const Eigen::Matrix<double, 6, 1> delta = A.ldlt().solve(-Jtr);
    if (!delta.allFinite()) return failure("solver diverged (non-finite step)");
    Pose trial;
    trial.rotation = rotation_matrix(delta.head<3>()) * pose.rotation;
    trial.translation = pose.translation + delta.tail<3>();
    Eigen::VectorXd r_trial(2 * n);
    Eigen::MatrixXd J_trial(2 * n, 6);
    const Evaluation next = evaluate(model, image, camera, trial, &r_trial, &J_trial);
    const double step = delta.head<3>().norm() + delta.tail<3>().norm() / std::max(1.0, pose.translation.norm());
    if (next.in_front && next.cost <= current.cost) {
      const double gain = current.cost - next.cost;
      pose = trial;
      r.swap(r_trial);
      J.swap(J_trial);
      current = next;
      lambda = std::max(lambda * 0.1, 1e-12);
      if (gain <= options.relative_tolerance * current.cost || current.cost < 1e-20 || step < options.step_tolerance) {
        converged = true;
      }
    } else {
      lambda *= 10;
      if (lambda > 1e12 || step < options.step_tolerance) converged = true;  // no improving step exists: a minimum
    }
  }
  // Re-orthonormalise against drift from repeated products.
  const Eigen::JacobiSVD<Eigen::Matrix3d> rs(pose.rotation, Eigen::ComputeFullU | Eigen::ComputeFullV);
  pose.rotation = rs.matrixU() * rs.matrixV().transpose();

  est.ok = true;
  est.pose = pose;
  est.rotation_vector = rotation_vector(pose.rotation);
  est.rms_px = std::sqrt(current.cost / n);
  est.iterations = it;
  est.converged = converged;
  return est;
}

}  // namespace posecheck

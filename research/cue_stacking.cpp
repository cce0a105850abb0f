#include "cue_stacking.h"

#include <cmath>

#include <Eigen/Dense>

#include "cue_combination.h"
#include "errors.h"

namespace posecheck::research {

StackingFit fit_cue_stacking(const std::vector<double>& pose, const std::vector<double>& blend, const std::vector<int>& labels) {
  const std::size_t n = labels.size();
  if (pose.size() != n || blend.size() != n || n == 0) throw Error(ErrorCode::kInvalidArgument, "stacking: inputs of different lengths");
  int fakes = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(pose[i] >= 0 && pose[i] <= 1 && blend[i] >= 0 && blend[i] <= 1)) throw Error(ErrorCode::kInvalidArgument, "stacking: P(fake) outside [0, 1]");
    if (labels[i] != 0 && labels[i] != 1) throw Error(ErrorCode::kInvalidArgument, "stacking: labels must be 0 or 1");
    fakes += labels[i];
  }
  if (fakes == 0 || fakes == int(n)) throw Error(ErrorCode::kInvalidArgument, "stacking needs real and fake rows");
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x(Eigen::Index(i), 0) = log_odds(pose[i]);
    x(Eigen::Index(i), 1) = log_odds(blend[i]);
    x(Eigen::Index(i), 2) = 1;
    y(Eigen::Index(i)) = labels[i];
  }
  Eigen::Vector3d w = Eigen::Vector3d::Zero();
  const Eigen::Vector3d ridge(kStackingRidge, kStackingRidge, 0);
  StackingFit fit;
  for (int it = 0; it < 100; ++it) {
    const Eigen::VectorXd z = x * w;
    Eigen::VectorXd p(n), s(n);
    for (std::size_t i = 0; i < n; ++i) {
      p(Eigen::Index(i)) = 1 / (1 + std::exp(-z(Eigen::Index(i))));
      s(Eigen::Index(i)) = p(Eigen::Index(i)) * (1 - p(Eigen::Index(i)));
    }
    const Eigen::Vector3d grad = x.transpose() * (p - y) / double(n) + ridge.cwiseProduct(w);
    Eigen::Matrix3d hess = x.transpose() * s.asDiagonal() * x / double(n);
    hess += ridge.asDiagonal();
    const Eigen::Vector3d step = hess.ldlt().solve(grad);
    w -= step;
    fit.iterations = it + 1;
    if (step.norm() < 1e-10) break;
  }
  fit.pose_weight = w(0);
  fit.blend_weight = w(1);
  fit.bias = w(2);
  return fit;
}

HeldOutPair held_out_pair(const std::vector<double>& pose_oof, const std::vector<double>& blend_oof, const std::vector<int>& labels) {
  if (pose_oof.size() != labels.size() || blend_oof.size() != labels.size()) {
    throw Error(ErrorCode::kInvalidArgument, "stacking: held-out predictions of different lengths");
  }
  HeldOutPair h;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!std::isfinite(pose_oof[i]) || !std::isfinite(blend_oof[i])) continue;
    h.pose.push_back(pose_oof[i]);
    h.blend.push_back(blend_oof[i]);
    h.label.push_back(labels[i]);
  }
  return h;
}

double stacked_probability(const StackingFit& f, double pose_p_fake, double blend_p_fake) {
  return combined_probability(f.pose_weight, f.blend_weight, f.bias, pose_p_fake, blend_p_fake);
}

}  // namespace posecheck::research

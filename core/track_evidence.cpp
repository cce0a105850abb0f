#include "track_evidence.h"

#include <cmath>

#include <Eigen/SVD>

#include "errors.h"

namespace posecheck {
namespace {

// Centred 2T x n measurement matrix of the chosen points.
Eigen::MatrixXd measurements(const std::vector<Landmarks>& frames, const std::vector<int>& idx) {
  const int t = int(frames.size()), n = int(idx.size());
  Eigen::MatrixXd w(2 * t, n);
  for (int f = 0; f < t; ++f) {
    Point2 mean = Point2::Zero();
    for (int i : idx) mean += frames[f][i];
    mean /= double(n);
    for (int k = 0; k < n; ++k) {
      const Point2 p = frames[f][idx[k]] - mean;
      w(2 * f, k) = p.x();
      w(2 * f + 1, k) = p.y();
    }
  }
  return w;
}

// s3 / s2 of the point set; NaN when s2 is (numerically) zero.
double depth_share(const std::vector<Landmarks>& frames, const std::vector<int>& idx) {
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(measurements(frames, idx));
  const auto& s = svd.singularValues();
  if (s.size() < 3 || !(s(1) > 1e-9 * s(0)) || !(s(0) > 0)) return std::nan("");
  return s(2) / s(1);
}

}  // namespace

std::vector<double> track_features(const TrackEvidence& e) {
  if (!e.ok) throw Error(ErrorCode::kInvalidArgument, "track features need judged track evidence: " + e.reason);
  return {e.flatness_ratio, e.central_depth, e.jaw_depth, e.nonrigid_rms};
}

const std::vector<int>& track_central_indices() {
  static const std::vector<int> idx = [] {
    std::vector<int> v;
    for (int k = 28; k <= 48; ++k) v.push_back(landmark_index(k));  // nose 28-36, eyes 37-48
    return v;
  }();
  return idx;
}

TrackEvidence track_evidence(const std::vector<Landmarks>& frames) {
  TrackEvidence e;
  e.frames = int(frames.size());
  if (e.frames < kMinTrackFrames) {
    e.reason = "track too short (" + std::to_string(e.frames) + " frames, need " + std::to_string(kMinTrackFrames) + ")";
    return e;
  }
  for (const auto& f : frames)
    for (const auto& p : f)
      if (!p.allFinite()) {
        e.reason = "landmarks must be finite numbers";
        return e;
      }
  e.central_depth = depth_share(frames, track_central_indices());
  e.jaw_depth = depth_share(frames, jaw_indices());
  // A jaw without measurable depth motion (identical frames; s3/s2 at
  // rounding level) cannot calibrate the ratio.
  if (!std::isfinite(e.central_depth) || !std::isfinite(e.jaw_depth) || !(e.jaw_depth > 1e-6)) {
    e.reason = "the landmarks do not move or are degenerate";
    return e;
  }
  e.flatness_ratio = e.central_depth / e.jaw_depth;

  std::vector<int> all(kNumLandmarks);
  for (int i = 0; i < kNumLandmarks; ++i) all[i] = i;
  const Eigen::MatrixXd w = measurements(frames, all);
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(w);
  const auto& s = svd.singularValues();
  double residual_sq = 0;
  for (int k = 3; k < s.size(); ++k) residual_sq += s(k) * s(k);
  const double spread_sq = w.squaredNorm();  // sum over frames and points of squared distance to the centroid
  if (!(spread_sq > 0)) {
    e.reason = "the landmarks do not move or are degenerate";
    return e;
  }
  e.nonrigid_rms = std::sqrt(residual_sq / spread_sq);
  e.ok = true;
  return e;
}

}  // namespace posecheck

#include "geometry.h"

#include "errors.h"

#include <cmath>
#include <stdexcept>

namespace posecheck {
namespace {
std::vector<int> one_based_range(int first, int last) {
  std::vector<int> v;
  for (int k = first; k <= last; ++k) v.push_back(landmark_index(k));
  return v;
}
}  // namespace

const std::vector<int>& whole_face_indices() {
  static const std::vector<int> idx = [] {
    auto v = one_based_range(1, 36);
    v.push_back(landmark_index(49));
    v.push_back(landmark_index(55));
    return v;
  }();
  return idx;
}

const std::vector<int>& central_face_indices() {
  static const std::vector<int> idx = [] {
    auto v = one_based_range(18, 36);
    v.push_back(landmark_index(49));
    v.push_back(landmark_index(55));
    return v;
  }();
  return idx;
}

const std::vector<int>& jaw_indices() {
  static const std::vector<int> idx = one_based_range(1, 17);
  return idx;
}

const std::vector<int>& face_outline_indices() {
  static const std::vector<int> idx = [] {
    auto v = one_based_range(1, 17);
    for (int k = 27; k >= 18; --k) v.push_back(landmark_index(k));
    return v;
  }();
  return idx;
}

CameraIntrinsics camera_for_image(int width, int height) {
  if (width <= 0 || height <= 0) throw Error(ErrorCode::kInvalidArgument, "camera_for_image: image size must be positive");
  CameraIntrinsics c;
  c.fx = c.fy = width;
  // The paper's code: center = (w/2, h/2) with OpenCV pixel-centre coordinates.
  c.cx = width / 2.0;
  c.cy = height / 2.0;
  return c;
}

const char* camera_model_name(CameraModel m) { return m == CameraModel::kPaper ? "paper" : "face"; }

CameraModel parse_camera_model(const std::string& name) {
  if (name == "paper") return CameraModel::kPaper;
  if (name == "face") return CameraModel::kFace;
  throw Error(ErrorCode::kInvalidArgument, "unknown camera '" + name + "' (expected paper or face)");
}

LandmarkFrame landmark_frame(const Landmarks& landmarks) {
  LandmarkFrame f;
  for (const auto& p : landmarks) f.centroid += p;
  f.centroid /= double(landmarks.size());
  double sum_sq = 0;
  for (const auto& p : landmarks) sum_sq += (p - f.centroid).squaredNorm();
  f.spread = std::sqrt(sum_sq / double(landmarks.size()));
  return f;
}

CameraIntrinsics camera_for_face(const Landmarks& landmarks, double focal_per_spread) {
  const LandmarkFrame f = landmark_frame(landmarks);
  if (!(f.spread > 0) || !std::isfinite(f.spread) || !(focal_per_spread > 0)) {
    throw Error(ErrorCode::kInvalidArgument, "camera_for_face: landmarks must be finite and not all at one point");
  }
  CameraIntrinsics c;
  c.fx = c.fy = focal_per_spread * f.spread;
  c.cx = f.centroid.x();
  c.cy = f.centroid.y();
  return c;
}

CameraIntrinsics camera_for(CameraModel model, const Landmarks& landmarks, int width, int height) {
  return model == CameraModel::kPaper ? camera_for_image(width, height) : camera_for_face(landmarks);
}

double box_overlap(const Box& a, const Box& b) {
  const double iw = std::min(a.right, b.right) - std::max(a.left, b.left);
  const double ih = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  const double uni = a.width() * a.height() + b.width() * b.height() - inter;
  return uni > 0 ? inter / uni : 0;
}

}  // namespace posecheck

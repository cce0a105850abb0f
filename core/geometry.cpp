#include "geometry.h"

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

CameraIntrinsics camera_for_image(int width, int height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("camera_for_image: image size must be positive");
  CameraIntrinsics c;
  c.fx = c.fy = width;
  // The paper's code: center = (w/2, h/2) with OpenCV pixel-centre coordinates.
  c.cx = width / 2.0;
  c.cy = height / 2.0;
  return c;
}

}  // namespace posecheck

// Geometry conventions shared by every part of posecheck. Written once, here.
//
// Image coordinates: pixel (col, row) has its centre at x = col, y = row
//   (dlib's and OpenCV's convention). x grows to the right, y downwards.
//   Units: pixels of the full-resolution input image.
// Landmarks: the iBUG 300-W 68-point scheme, as dlib's 68-point model outputs.
//   The literature (and the paper) numbers points 1..68; in code, point k is
//   index k-1. Use landmark_index(k) to convert; never write bare offsets.
// Camera: pinhole, no distortion. Intrinsics are explicit arguments
//   (CameraIntrinsics); the checker uses fx = fy = image width and the
//   principal point (w/2, h/2), exactly as the paper's code (camera_for_image).
// Camera frame: x right, y down, z forward (into the scene). A point in front
//   of the camera has z > 0.
// 3D face model frame: millimetres, x towards the image right of a frontal
//   face (the subject's left), y down (chin has larger y than brows), z towards
//   the back of the head, so the nose tip has the smallest z. With R = I the
//   face looks straight at the camera.
// Pose: X_camera = R * X_model + t (t in millimetres, camera frame). Rotation
//   vectors are axis * angle (radians), Rodrigues' convention.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include <Eigen/Core>

namespace posecheck {

using Point2 = Eigen::Vector2d;
using Point3 = Eigen::Vector3d;

constexpr int kNumLandmarks = 68;

// Index into a 68-point array of the paper's 1-based landmark number k.
// Requires 1 <= k <= 68.
constexpr int landmark_index(int one_based) { return one_based - 1; }

// The paper's landmark subsets (Fig. 2), as 0-based indices:
// whole face = points 1-36, 49, 55; central face = points 18-36, 49, 55.
const std::vector<int>& whole_face_indices();
const std::vector<int>& central_face_indices();
// Points of the jaw contour (1-17): the region a face swap keeps.
const std::vector<int>& jaw_indices();

// Pinhole intrinsics in pixels. Requires fx > 0, fy > 0.
struct CameraIntrinsics {
  double fx = 0, fy = 0, cx = 0, cy = 0;
};

// The paper's camera for an image of width x height pixels: fx = fy = width,
// principal point at (width/2, height/2). Requires width, height > 0.
CameraIntrinsics camera_for_image(int width, int height);

// An axis-aligned face box in image pixels; right/bottom exclusive.
struct Box {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

using Landmarks = std::array<Point2, kNumLandmarks>;

}  // namespace posecheck

// Geometry conventions shared by every part of posecheck. Written once, here.
//
// Image coordinates: pixel (col, row) has its centre at x = col, y = row
//   (dlib's and OpenCV's convention). x grows to the right, y downwards.
//   Units: pixels of the full-resolution input image.
// Landmarks: the iBUG 300-W 68-point scheme, as dlib's 68-point model outputs.
//   The literature (and the paper) numbers points 1..68; in code, point k is
//   index k-1. Use landmark_index(k) to convert; never write bare offsets.
// Camera: pinhole, no distortion. Intrinsics are explicit arguments
//   (CameraIntrinsics), chosen by a CameraModel: the paper's camera
//   (fx = fy = image width, principal point (w/2, h/2), exactly as the paper's
//   code; camera_for_image) or the face-centred camera (camera_for_face),
//   which does not change when the frame is padded, cropped or rescaled.
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
#include <string>
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
// These four require nothing, never throw and return the same list on
// every call (ascending, except the outline, which is in polygon order).
const std::vector<int>& whole_face_indices();
const std::vector<int>& central_face_indices();
// Points of the jaw contour (1-17): the region a face swap keeps.
const std::vector<int>& jaw_indices();
// The face's outline as a closed polygon: the jaw line 1-17, then the brows
// from 27 back to 18 (the region a face swap pastes lies inside it).
const std::vector<int>& face_outline_indices();

// Pinhole intrinsics in pixels. Requires fx > 0, fy > 0.
struct CameraIntrinsics {
  double fx = 0, fy = 0, cx = 0, cy = 0;
};

// The paper's camera for an image of width x height pixels: fx = fy = width,
// principal point at (width/2, height/2). Requires width, height > 0 (else
// throws Error kInvalidArgument).
CameraIntrinsics camera_for_image(int width, int height);

// Which pinhole camera the head poses are solved with.
//   kPaper: the paper's camera for the whole image (camera_for_image). The
//     poses depend on where the face sits in the frame and on the frame's
//     width, so padding, letterboxing and cropping move them (a pure rescale
//     scales focal length and centre with the image and does not).
//   kFace: a virtual camera centred on the face (camera_for_face). Its
//     principal point and focal length follow the landmarks, so the
//     normalised image coordinates (x - c) / f, and hence the poses, are the
//     same whatever the framing or scale of the image (up to landmark noise).
enum class CameraModel { kPaper, kFace };
// "paper", "face". Requires nothing; never throws.
const char* camera_model_name(CameraModel m);
// Requires one of those names (else throws Error kInvalidArgument).
CameraModel parse_camera_model(const std::string& name);

// Focal length of the face-centred camera, in units of the landmarks'
// spread (RMS distance of the 68 points from their centroid). 8.6 is the
// median ratio of the paper's focal length (the image width) to this spread
// over the 3 663 DeepfakeTIMIT frames (8.64; p10 8.0, p90 9.2), so on the
// training data both cameras see about the same perspective.
constexpr double kFaceCameraFocalPerSpread = 8.6;

// The landmarks' centroid and spread (RMS distance from the centroid, px).
// Requires finite points; the spread is > 0 unless all points coincide.
struct LandmarkFrame {
  Point2 centroid = Point2::Zero();
  double spread = 0;
};

// An axis-aligned face box in image pixels; right/bottom exclusive.
struct Box {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

// Requires nothing. Ensures: the intersection over union of two boxes, in
// [0, 1] (0 when either is empty or they do not meet). Never throws.
double box_overlap(const Box& a, const Box& b);

using Landmarks = std::array<Point2, kNumLandmarks>;

// Ensures: spread >= 0 (0 only when all 68 points coincide).
LandmarkFrame landmark_frame(const Landmarks& landmarks);

// The face-centred camera: principal point at the centroid of the 68
// landmarks, fx = fy = focal_per_spread * spread.
// Requires: finite points, not all equal (else throws Error kInvalidArgument).
CameraIntrinsics camera_for_face(const Landmarks& landmarks, double focal_per_spread = kFaceCameraFocalPerSpread);

// The camera of `model` for one face in an image of width x height pixels.
// Requires what camera_for_image (kPaper) or camera_for_face (kFace)
// requires, and throws as they do. Ensures: fx, fy > 0.
CameraIntrinsics camera_for(CameraModel model, const Landmarks& landmarks, int width, int height);

}  // namespace posecheck

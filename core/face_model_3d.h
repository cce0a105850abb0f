// FaceModel3D: the 68-point 3D mean face whose projection the pose solver
// fits to detected landmarks (frame and units: see geometry.h).
#pragma once

#include <array>
#include <string>

#include "geometry.h"

namespace posecheck {

// The first line of the text format below: its name and the one version read.
constexpr const char* kFaceModelFormat = "posecheck-face3d 1";

// Represents: 68 model points in millimetres, iBUG order, model frame of
//   geometry.h (x right, y down, z away from the viewer; nose tip has the
//   smallest z).
struct FaceModel3D {
  std::array<Point3, kNumLandmarks> points;
  std::string sha256;  // of the text it was parsed from
};

// The 2D-3D correspondences of a landmark subset (0-based indices, e.g.
// whole_face_indices()): model[i] pairs with image[i]. Replaces both vectors.
// Requires: every index in 0..kNumLandmarks-1 (not checked).
// Ensures: model and image hold indices.size() points each, in that order.
void select_correspondences(const std::vector<int>& indices, const Landmarks& landmarks, const FaceModel3D& face,
                            std::vector<Point3>& model, std::vector<Point2>& image);

// Parses the project's text format:
//   line 1: "posecheck-face3d 1"
//   then lines "# ..." (comments) and exactly 68 lines "x y z" (mm).
// Requires: that format, finite values, points not all coplanar (else throws
//   Error kModelFormat naming the line).
// Ensures: the 68 points as written; sha256 is the digest of `text`.
FaceModel3D parse_face_model(const std::string& text);

// Writes the same format (round-trips through parse_face_model), each line of
// `comment` as a "# " line, coordinates to 0.1 micrometre (4 decimals).
// Requires: finite points. Never throws but std::bad_alloc.
std::string format_face_model(const FaceModel3D& model, const std::string& comment);

// Parses the paper authors' model_landmark.txt layout (204 numbers: all x,
// then all y, then all z; already in this project's frame). For tests and
// comparisons only: that model may not be shipped.
// Requires: exactly 204 whitespace-separated numbers, points not all
//   coplanar (else throws Error kModelFormat). Ensures: as parse_face_model.
FaceModel3D parse_column_major_204(const std::string& text);

}  // namespace posecheck

// FaceModel3D: the 68-point 3D mean face whose projection the pose solver
// fits to detected landmarks (frame and units: see geometry.h).
#pragma once

#include <array>
#include <string>

#include "geometry.h"

namespace posecheck {

// Represents: 68 model points in millimetres, iBUG order, model frame of
//   geometry.h (x right, y down, z away from the viewer; nose tip has the
//   smallest z).
struct FaceModel3D {
  std::array<Point3, kNumLandmarks> points;
  std::string sha256;  // of the text it was parsed from
};

// The 2D-3D correspondences of a landmark subset (0-based indices, e.g.
// whole_face_indices()): model[i] pairs with image[i]. Replaces both vectors.
void select_correspondences(const std::vector<int>& indices, const Landmarks& landmarks, const FaceModel3D& face,
                            std::vector<Point3>& model, std::vector<Point2>& image);

// Parses the project's text format:
//   line 1: "posecheck-face3d 1"
//   then lines "# ..." (comments) and exactly 68 lines "x y z" (mm).
// Requires: that format, finite values, points not all coplanar (else throws
//   Error kModelFormat naming the line).
FaceModel3D parse_face_model(const std::string& text);

// Writes the same format (round-trips through parse_face_model).
std::string format_face_model(const FaceModel3D& model, const std::string& comment);

// Parses the paper authors' model_landmark.txt layout (204 numbers: all x,
// then all y, then all z; already in this project's frame). For tests and
// comparisons only: that model may not be shipped.
FaceModel3D parse_column_major_204(const std::string& text);

}  // namespace posecheck

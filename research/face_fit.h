// Fitting the project's own 68-point 3D mean face from 2D landmark annotations
// (structure from motion over many different faces: the mean shape is the
// rigid shape that best explains all of them).
//
// Method (deterministic: no random numbers, fixed ordering, no threads):
//  1. Normalise each face: subtract its landmark centroid, divide by its RMS
//     radius (so every face weighs the same whatever its size in pixels).
//  2. Rigid factorisation (Tomasi & Kanade 1992) of the 2F x 68 measurement
//     matrix: rank-3 SVD W ~ M S, then the metric upgrade for scaled
//     orthography: the symmetric L = Q Q^T that makes the two camera rows of
//     every face orthogonal and of equal length, by linear least squares with
//     the mean squared scale fixed to 1; L's negative eigenvalues (if any) are
//     clamped. M <- M Q, S <- Q^-1 S.
//  3. Face frame from facts about faces, not from any other model: x along the
//     mean of the left-right landmark pairs (iBUG mirror pairs, image-left
//     member to image-right member), y from the brows towards the chin
//     (orthogonalised), z = x cross y. The factorisation cannot tell a shape
//     from its depth mirror image; the one whose nose tip (point 31) lies in
//     front of the eye corners (37, 40, 43, 46), i.e. has the smaller z, is
//     kept (z of the shape and of every camera row flipped otherwise).
//  4. Bundle refinement under scaled orthography, x_fj = s_f P R_f X_j + t_f,
//     alternating (a) per face: Gauss-Newton on rotation, scale and 2D
//     translation, and (b) the shape: weighted linear least squares for every
//     point, with left-right symmetry enforced exactly (point j' of a mirror
//     pair is diag(-1, 1, 1) X_j; the midline points 9, 28-31, 34, 52, 58, 63,
//     67 have x = 0). Robust weights, recomputed every iteration: per point
//     residual Huber weight (k = 2 sigma, sigma = 1.4826 x the median residual
//     norm over all points and faces), times per face Huber weight on the
//     face's RMS residual (k = 2 x the median face RMS). Iterates until the
//     shape moves less than `tolerance` (relative RMS) or max_iterations.
//  5. Gauge: origin at the centroid of the 68 points; pitch (the one rotation
//     that symmetry leaves free) fixed so that the midpoint of the outer eye
//     corners (37, 46) and the midpoint of the mouth corners (49, 55) have the
//     same z: the plane of the eye and mouth corners faces the camera at
//     R = I. Metric scale: the anthropometric anchor below.
//
// Metric scale anchor: the distance between the two eye centres (mean of the
// six landmarks of each eye, 37-42 and 43-48; for the mean face these are the
// pupil centres) is set to the adult mean interpupillary distance, 63 mm
// (N. A. Dodgson, "Variation and extrema of human interpupillary distance",
// Proc. SPIE 5291, Stereoscopic Displays and Virtual Reality Systems XI, 2004:
// adult mean about 63 mm; women 62.3 mm, men 64.7 mm in the 1988 US Army
// anthropometric survey it summarises).
//
// Camera model: scaled orthography. The faces in the data are far from the
// camera compared with their depth; a perspective model would need each
// photo's unknown focal length.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "face_model_3d.h"
#include "geometry.h"

namespace posecheck {

struct FaceFitOptions {
  double interpupillary_mm = 63.0;  // metric anchor (see above); > 0
  bool symmetric = true;            // enforce left-right symmetry
  int max_iterations = 200;         // bundle refinement iterations (>= 0)
  double tolerance = 1e-9;          // stop when the shape's relative RMS change is below this
  bool robust = true;               // Huber down-weighting of outlier points and faces
};

struct FaceFitStats {
  int faces = 0;
  int iterations = 0;                // bundle refinement iterations run
  bool converged = false;
  bool depth_flipped = false;        // the factorisation gave the depth mirror image; flipped
  double factorisation_rms_mm = 0;   // RMS reprojection residual of step 2-3 alone (mm on the model scale)
  double rms_mm = 0;                 // final RMS reprojection residual, all faces, unweighted (mm)
  double weighted_rms_mm = 0;        // final RMS with the robust weights
  double median_face_rms_mm = 0;
  double p90_face_rms_mm = 0;
  int downweighted_faces = 0;        // face weight < 1
  double downweighted_point_fraction = 0;  // point weight < 1
  double median_abs_yaw_deg = 0, p90_abs_yaw_deg = 0, max_abs_yaw_deg = 0;
  double median_pitch_deg = 0, median_abs_roll_deg = 0;
  // Per face, in input order: RMS residual (mm), face weight, yaw/pitch/roll
  // (degrees; yaw > 0 turns the face towards the image right).
  std::vector<double> face_rms_mm, face_weight, yaw_deg, pitch_deg, roll_deg;
};

struct FaceFitResult {
  FaceModel3D model;  // sha256 empty (set when parsed from text)
  FaceFitStats stats;
};

// Requires: shapes.size() >= 8, all coordinates finite, each shape not
//   degenerate (nonzero spread). Throws Error kInvalidArgument otherwise.
FaceFitResult fit_mean_face(const std::vector<std::array<Point2, kNumLandmarks>>& shapes,
                            const FaceFitOptions& options = {});

// The mirror partner (0-based) of each landmark in the iBUG 68 scheme
// (itself for the midline points).
const std::array<int, kNumLandmarks>& mirror_partners();

// Similarity alignment (Umeyama 1991) of `moving` onto `fixed`:
// fixed ~ scale * rotation * moving + translation, least squares.
struct SimilarityAlignment {
  double scale = 1;
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();
  double rms = 0;        // RMS distance after alignment, in `fixed`'s units
};
SimilarityAlignment align_similarity(const std::array<Point3, kNumLandmarks>& fixed,
                                     const std::array<Point3, kNumLandmarks>& moving,
                                     bool allow_scale = true);

// Distance between the eye centres (means of points 37-42 and 43-48).
double interpupillary_distance(const std::array<Point3, kNumLandmarks>& points);

}  // namespace posecheck

// A synthetic head with a known answer, for the track tests
// (test_track_evidence.cpp, test_paste_centre.cpp): a rigid 3D head turning
// in front of a perspective camera, optionally with its central points
// replaced in every frame by a flat, frontal copy pasted with a 2D
// similarity warp (what a face swap's blending does).
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "geometry.h"
#include "head_pose.h"
#include "track_evidence.h"

namespace posecheck_test {

using namespace posecheck;

// A face-like 3D point set (mm, model frame of geometry.h).
inline std::vector<Point3> face_points() {
  std::vector<Point3> p(kNumLandmarks);
  for (int k = 0; k < 17; ++k) {  // jaw: ear to chin to ear, curving back
    const double a = M_PI * k / 16.0;
    p[k] = Point3(-70 * std::cos(a), -15 + 85 * std::sin(a), 10 + 55 * std::cos(a) * std::cos(a));
  }
  for (int k = 17; k < kNumLandmarks; ++k) {  // the rest on a rounded face surface, nose forward
    const double u = -50 + 100.0 * ((k * 37) % 51) / 50.0, v = -40 + 80.0 * ((k * 17) % 29) / 28.0;
    p[k] = Point3(u, v, 0.004 * (u * u + v * v) - 30 * std::exp(-(u * u) / 300.0));
  }
  return p;
}

// T frames of the head turning (yaw and pitch up to ~25 degrees), projected
// with perspective; noise: Gaussian pixel noise sigma.
inline std::vector<Landmarks> rigid_track(int frames, double sigma, unsigned seed, bool paste_flat_centre) {
  const auto face = face_points();
  const CameraIntrinsics cam = camera_for_image(640, 480);
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, sigma);
  std::vector<Landmarks> out;
  // The pasted centre: the frontal projection of the central points, placed
  // each frame by the 2D similarity that best maps it onto the true ones.
  Pose frontal;
  frontal.translation = Eigen::Vector3d(0, 0, 700);
  const auto flat = project_points(face, frontal, cam);
  for (int f = 0; f < frames; ++f) {
    Pose pose;
    const double t = double(f) / std::max(1, frames - 1);
    pose.rotation = rotation_matrix(Eigen::Vector3d(0.35 * std::sin(3 * t), 0.45 * std::sin(2 * t + 0.5), 0.05 * t));
    pose.translation = Eigen::Vector3d(20 * t, -10 * t, 700);
    const auto proj = project_points(face, pose, cam);
    Landmarks lm;
    for (int i = 0; i < kNumLandmarks; ++i) lm[i] = proj[i];
    if (paste_flat_centre) {
      const auto& idx = track_central_indices();
      // Similarity fit (Umeyama, 2D) of flat -> true central points.
      Point2 ma = Point2::Zero(), mb = Point2::Zero();
      for (int i : idx) { ma += flat[i]; mb += proj[i]; }
      ma /= double(idx.size());
      mb /= double(idx.size());
      double a = 0, b = 0, n = 0;
      for (int i : idx) {
        const Point2 x = flat[i] - ma, y = proj[i] - mb;
        a += x.dot(y);
        b += x.x() * y.y() - x.y() * y.x();
        n += x.squaredNorm();
      }
      const double c = a / n, s = b / n;
      for (int i : idx) {
        const Point2 x = flat[i] - ma;
        lm[i] = mb + Point2(c * x.x() - s * x.y(), s * x.x() + c * x.y());
      }
    }
    for (auto& p : lm) p += Point2(noise(rng), noise(rng));
    out.push_back(lm);
  }
  return out;
}


}  // namespace posecheck_test

// Head pose (solve_pose): exact recovery on synthetic projections, accuracy
// under 1 px noise, the start-pose path, agreement with OpenCV's solvePnP on
// real 300-W landmarks (an oracle; needs ../shared), how often OpenCV's
// default start ends behind the camera, and degenerate inputs.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Geometry>
#include <gtest/gtest.h>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

#include "errors.h"
#include "face_model_3d.h"
#include "geometry.h"
#include "head_pose.h"
#include "test_support.h"

namespace {

using posecheck::CameraIntrinsics;
using posecheck::Point2;
using posecheck::Point3;
using posecheck::Pose;
using posecheck::PoseEstimate;

constexpr double kDeg = M_PI / 180.0;

// ---- helpers -----------------------------------------------------------------

double rotation_error(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
  return Eigen::AngleAxisd(a.transpose() * b).angle();
}

double relative_translation_error(const Eigen::Vector3d& est, const Eigen::Vector3d& truth) {
  return (est - truth).norm() / truth.norm();
}

double cost(const std::vector<Point3>& model, const std::vector<Point2>& image, const CameraIntrinsics& cam, const Pose& pose) {
  const auto proj = posecheck::project_points(model, pose, cam);
  double e = 0;
  for (std::size_t i = 0; i < proj.size(); ++i) e += (proj[i] - image[i]).squaredNorm();
  return e;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(std::floor(q * (v.size() - 1) + 0.5)));
  return v[k];
}

template <typename T>
std::vector<T> subset(const std::vector<T>& all, const std::vector<int>& idx) {
  std::vector<T> out;
  for (int i : idx) out.push_back(all[i]);
  return out;
}

// Checks the solver's "Ensures" on a successful estimate.
void expect_valid_pose(const PoseEstimate& e, const std::vector<Point3>& model, const std::string& what) {
  ASSERT_TRUE(e.ok) << what << ": " << e.failure;
  EXPECT_TRUE(e.failure.empty()) << what;
  const Eigen::Matrix3d& R = e.pose.rotation;
  EXPECT_LT((R.transpose() * R - Eigen::Matrix3d::Identity()).norm(), 1e-12) << what;
  EXPECT_NEAR(R.determinant(), 1.0, 1e-12) << what;
  EXPECT_GT(e.pose.translation.z(), 0) << what;
  for (const auto& X : model) EXPECT_GT((R * X + e.pose.translation).z(), 0) << what;
  EXPECT_LT((posecheck::rotation_matrix(e.rotation_vector) - R).norm(), 1e-9) << what;
}

// A fixed, face-like, non-coplanar 68-point set in the model frame of
// geometry.h (mm; x right, y down, z away from the viewer; nose tip nearest).
std::vector<Point3> synthetic_face() {
  std::vector<Point3> p(posecheck::kNumLandmarks);
  auto at = [&](int k) -> Point3& { return p[posecheck::landmark_index(k)]; };
  for (int k = 1; k <= 17; ++k) {  // jaw: ear to chin to ear, curving back
    const double a = M_PI * (k - 1) / 16.0;
    at(k) = Point3(-70 * std::cos(a), -15 + 85 * std::sin(a), 10 + 55 * std::cos(a) * std::cos(a));
  }
  for (int k = 18; k <= 27; ++k) {  // brows
    const double x = (k <= 22) ? -60 + 11 * (k - 18) : 16 + 11 * (k - 23);
    at(k) = Point3(x, -42 + 0.002 * x * x, -8 + 0.006 * x * x);
  }
  for (int k = 28; k <= 31; ++k) at(k) = Point3(0, -30 + 10 * (k - 28), -16 - 6 * (k - 28));  // nose bridge
  for (int k = 32; k <= 36; ++k) at(k) = Point3(-14 + 7 * (k - 32), 8, -14 - 4 * (k == 34));  // nose base
  const double eye_x[6] = {-45, -38, -30, -22, -30, -38}, eye_y[6] = {-25, -29, -29, -25, -22, -22};
  const int mirror[6] = {3, 2, 1, 0, 5, 4};  // 43..48 mirror 40, 39, 38, 37, 42, 41
  for (int i = 0; i < 6; ++i) {
    at(37 + i) = Point3(eye_x[i], eye_y[i], -6);
    at(43 + i) = Point3(-eye_x[mirror[i]], eye_y[mirror[i]], -6);
  }
  for (int i = 0; i < 12; ++i) {  // outer lip ellipse, 49..60
    const double a = M_PI + 2 * M_PI * i / 12.0;
    at(49 + i) = Point3(25 * std::cos(a), 36 + 9 * std::sin(a), -10 + 4 * std::abs(std::cos(a)));
  }
  for (int i = 0; i < 8; ++i) {  // inner lip, 61..68
    const double a = M_PI + 2 * M_PI * i / 8.0;
    at(61 + i) = Point3(15 * std::cos(a), 36 + 3 * std::sin(a), -8);
  }
  return p;
}

struct TestModel {
  std::vector<Point3> points;
  std::string source;
};

// models/face3d.txt when present (the project's shipped model), else the
// synthetic face. Never ../shared: these tests must run without it.
const TestModel& test_model() {
  static const TestModel m = [] {
    TestModel t;
    const std::string path = posecheck_test::source_path("models/face3d.txt");
    if (!path.empty()) {
      const auto fm = posecheck::parse_face_model(posecheck_test::read_file(path));
      t.points.assign(fm.points.begin(), fm.points.end());
      t.source = "models/face3d.txt";
    } else {
      t.points = synthetic_face();
      t.source = "synthetic face (models/face3d.txt absent)";
    }
    return t;
  }();
  return m;
}

// Pose from yaw (about y), pitch (about x), roll (about z), in degrees,
// and a translation with the face off the optical axis.
Pose make_pose(double yaw, double pitch, double roll, double distance) {
  Pose p;
  p.rotation = (Eigen::AngleAxisd(roll * kDeg, Eigen::Vector3d::UnitZ()) *
                Eigen::AngleAxisd(yaw * kDeg, Eigen::Vector3d::UnitY()) *
                Eigen::AngleAxisd(pitch * kDeg, Eigen::Vector3d::UnitX()))
                   .toRotationMatrix();
  p.translation = Eigen::Vector3d(0.06 * distance, -0.04 * distance, distance);
  return p;
}

struct GridCase {
  double yaw, pitch, roll, distance;
  std::string name() const {
    std::ostringstream s;
    s << "yaw " << yaw << " pitch " << pitch << " roll " << roll << " d " << distance;
    return s.str();
  }
};

std::vector<GridCase> grid() {
  std::vector<GridCase> g;
  for (double yaw : {-60, -30, 0, 30, 60})
    for (double pitch : {-30, 0, 30})
      for (double roll : {-30, 0, 30})
        for (double d : {300, 600, 1500}) g.push_back({yaw, pitch, roll, d});
  return g;
}

const std::vector<std::pair<std::string, std::vector<int>>>& subsets() {
  static const std::vector<std::pair<std::string, std::vector<int>>> s = {
      {"whole", posecheck::whole_face_indices()}, {"central", posecheck::central_face_indices()}};
  return s;
}

// ---- basic pieces ------------------------------------------------------------

TEST(HeadPose, Subsets) {
  // The paper's Fig. 2: whole = 1-36, 49, 55; central = 18-36, 49, 55 (1-based).
  const auto& w = posecheck::whole_face_indices();
  const auto& c = posecheck::central_face_indices();
  ASSERT_EQ(w.size(), 38u);
  ASSERT_EQ(c.size(), 21u);
  EXPECT_EQ(w.front(), 0);
  EXPECT_EQ(w[35], 35);
  EXPECT_EQ(w[36], 48);
  EXPECT_EQ(w[37], 54);
  EXPECT_EQ(c.front(), 17);
  EXPECT_EQ(c[18], 35);
  EXPECT_EQ(c[19], 48);
  EXPECT_EQ(c[20], 54);
  EXPECT_EQ(posecheck::jaw_indices().size(), 17u);
  const auto cam = posecheck::camera_for_image(640, 480);
  EXPECT_EQ(cam.fx, 640);
  EXPECT_EQ(cam.fy, 640);
  EXPECT_EQ(cam.cx, 320);
  EXPECT_EQ(cam.cy, 240);
}

TEST(HeadPose, RotationVectorRoundTrip) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  for (double angle : {0.0, 1e-9, 0.1, 1.0, 3.0, M_PI - 1e-6, M_PI}) {
    for (int k = 0; k < 5; ++k) {
      const Eigen::Vector3d axis = Eigen::Vector3d(u(rng), u(rng), u(rng)).normalized();
      const Eigen::Matrix3d R = Eigen::AngleAxisd(angle, axis).toRotationMatrix();
      const Eigen::Vector3d rv = posecheck::rotation_vector(R);
      EXPECT_NEAR(rv.norm(), angle, 1e-7) << angle;
      EXPECT_LT((posecheck::rotation_matrix(rv) - R).norm(), 1e-9) << angle;
      if (angle > 1e-6 && angle < 3.1) {
        EXPECT_LT((rv - angle * axis).norm(), 1e-9);
      }
    }
  }
  EXPECT_EQ(posecheck::rotation_matrix(Eigen::Vector3d::Zero()), Eigen::Matrix3d::Identity());
}

TEST(HeadPose, ProjectPointsPinhole) {
  const CameraIntrinsics cam{500, 400, 320.5, 240.25};
  Pose p;
  p.translation = Eigen::Vector3d(10, -20, 1000);
  const auto uv = posecheck::project_points({Point3(0, 0, 0), Point3(100, 50, 1000)}, p, cam);
  EXPECT_NEAR(uv[0].x(), 320.5 + 500 * 10.0 / 1000, 1e-12);
  EXPECT_NEAR(uv[0].y(), 240.25 - 400 * 20.0 / 1000, 1e-12);
  EXPECT_NEAR(uv[1].x(), 320.5 + 500 * 110.0 / 2000, 1e-12);
  EXPECT_NEAR(uv[1].y(), 240.25 + 400 * 30.0 / 2000, 1e-12);
}

// ---- synthetic grid ------------------------------------------------------------

TEST(HeadPoseSynthetic, NoiseFreeRecoveryOnGrid) {
  const auto& model = test_model();
  std::cout << "[ model ] " << model.source << "\n";
  const auto cam = posecheck::camera_for_image(640, 480);
  double worst_rot = 0, worst_t = 0;
  int max_iter = 0;
  for (const auto& g : grid()) {
    const Pose truth = make_pose(g.yaw, g.pitch, g.roll, g.distance);
    for (const auto& [sname, idx] : subsets()) {
      const auto m = subset(model.points, idx);
      const auto img = posecheck::project_points(m, truth, cam);
      const PoseEstimate e = posecheck::solve_pose(m, img, cam);
      const std::string what = sname + ", " + g.name();
      expect_valid_pose(e, m, what);
      if (!e.ok) continue;
      const double re = rotation_error(e.pose.rotation, truth.rotation);
      const double te = relative_translation_error(e.pose.translation, truth.translation);
      EXPECT_LT(re, 1e-6) << what;
      EXPECT_LT(te, 1e-6) << what;
      EXPECT_LT(e.rms_px, 1e-6) << what;
      EXPECT_TRUE(e.converged) << what << " (" << e.iterations << " iterations)";
      worst_rot = std::max(worst_rot, re);
      worst_t = std::max(worst_t, te);
      max_iter = std::max(max_iter, e.iterations);
    }
  }
  std::cout << "[ noise-free ] worst rotation error " << worst_rot << " rad, worst relative translation error " << worst_t
            << ", most LM iterations " << max_iter << "\n";
  RecordProperty("noise_free_worst_rotation_rad", std::to_string(worst_rot));
}

TEST(HeadPoseSynthetic, NoiseFreeCentralFromWholeStart) {
  // The checker's path: the central-face solve starts from the whole-face pose.
  const auto& model = test_model();
  const auto cam = posecheck::camera_for_image(640, 480);
  for (const auto& g : grid()) {
    const Pose truth = make_pose(g.yaw, g.pitch, g.roll, g.distance);
    const auto mw = subset(model.points, posecheck::whole_face_indices());
    const auto mc = subset(model.points, posecheck::central_face_indices());
    const PoseEstimate whole = posecheck::solve_pose(mw, posecheck::project_points(mw, truth, cam), cam);
    ASSERT_TRUE(whole.ok) << g.name();
    const PoseEstimate central = posecheck::solve_pose(mc, posecheck::project_points(mc, truth, cam), cam, {}, &whole.pose);
    expect_valid_pose(central, mc, "central from whole, " + g.name());
    EXPECT_LT(rotation_error(central.pose.rotation, truth.rotation), 1e-6) << g.name();
    EXPECT_LT(relative_translation_error(central.pose.translation, truth.translation), 1e-6) << g.name();
    // Started at the answer, there is nothing to do.
    EXPECT_LE(central.iterations, 2) << g.name();
  }
}

// Pose-error statistics under 1 px Gaussian landmark noise, per subset and
// distance. Tolerances were measured (see the printed table and the comment
// on the limits) and given a ~2x margin. Also: the solution's cost is never
// above the true pose's (no worse local minimum), and the start-pose path
// reaches the same minimum as the closed-form start.
TEST(HeadPoseSynthetic, OnePixelNoise) {
  const auto& model = test_model();
  const auto cam = posecheck::camera_for_image(640, 480);
  std::mt19937 rng(20190512);
  std::normal_distribution<double> noise(0.0, 1.0);
  // Per subset and distance: rotation errors (rad) and relative translation errors.
  std::map<std::string, std::vector<double>> rot, trans;
  int start_path_worse = 0, cost_above_truth = 0, n = 0;
  for (const auto& g : grid()) {
    const Pose truth = make_pose(g.yaw, g.pitch, g.roll, g.distance);
    PoseEstimate whole;
    for (const auto& [sname, idx] : subsets()) {
      const auto m = subset(model.points, idx);
      auto img = posecheck::project_points(m, truth, cam);
      for (auto& p : img) p += Point2(noise(rng), noise(rng));
      const PoseEstimate e = posecheck::solve_pose(m, img, cam);
      const std::string what = sname + ", " + g.name();
      expect_valid_pose(e, m, what);
      if (!e.ok) continue;
      ++n;
      const std::string key = sname + " d=" + std::to_string(int(g.distance));
      rot[key].push_back(rotation_error(e.pose.rotation, truth.rotation));
      trans[key].push_back(relative_translation_error(e.pose.translation, truth.translation));
      // A least-squares minimum can only be at or below the cost of the true pose.
      const double c_est = cost(m, img, cam, e.pose), c_true = cost(m, img, cam, truth);
      EXPECT_NEAR(e.rms_px, std::sqrt(c_est / m.size()), 1e-9) << what;
      if (c_est > c_true * (1 + 1e-9)) {
        ++cost_above_truth;
        ADD_FAILURE() << what << ": cost " << c_est << " above the true pose's " << c_true << " (a worse local minimum)";
      }
      if (sname == "whole") {
        whole = e;
      } else {
        // Start-pose path on the same noisy points: same minimum as the closed-form start.
        const PoseEstimate s = posecheck::solve_pose(m, img, cam, {}, &whole.pose);
        expect_valid_pose(s, m, "central from whole (noisy), " + g.name());
        const double c_s = cost(m, img, cam, s.pose);
        if (c_s > c_est * (1 + 1e-9)) ++start_path_worse;
        EXPECT_LT(rotation_error(s.pose.rotation, e.pose.rotation), 1e-6) << what;
      }
    }
  }
  // Limits: about 2x the values measured with seed 20190512 (deg; median /
  // max rotation error, median relative translation error):
  //   synthetic face:           whole  d=300 0.19/0.35/0.0012, d=600 0.32/0.97/0.0029, d=1500 1.14/2.26/0.0053
  //                             central d=300 0.46/1.08/0.0023, d=600 0.80/2.33/0.0036, d=1500 1.86/7.80/0.0137
  //   authors' reference model: whole  d=300 0.16/0.33/0.0011, d=600 0.33/0.96/0.0023, d=1500 1.09/2.22/0.0038
  //                             central d=300 0.41/0.88/0.0020, d=600 0.75/1.94/0.0032, d=1500 1.59/5.86/0.0110
  // (a models/face3d.txt of similar spread should land in the same range).
  const std::map<std::string, double> max_median_deg = {{"whole d=300", 0.4},   {"whole d=600", 0.7},   {"whole d=1500", 2.5},
                                                        {"central d=300", 1.0}, {"central d=600", 1.6}, {"central d=1500", 4.0}};
  const std::map<std::string, double> max_max_deg = {{"whole d=300", 0.8},   {"whole d=600", 2.0},   {"whole d=1500", 5.0},
                                                     {"central d=300", 2.5}, {"central d=600", 5.0}, {"central d=1500", 16.0}};
  const std::map<std::string, double> max_median_trans = {{"whole d=300", 0.0025},  {"whole d=600", 0.006},  {"whole d=1500", 0.011},
                                                          {"central d=300", 0.005}, {"central d=600", 0.008}, {"central d=1500", 0.03}};
  std::cout << "[ 1 px noise ] rotation error (deg): median / p90 / max; relative translation median / max\n";
  for (const auto& [key, v] : rot) {
    const double med = percentile(v, 0.5) / kDeg, p90 = percentile(v, 0.9) / kDeg, mx = percentile(v, 1.0) / kDeg;
    std::cout << "  " << key << ": " << med << " / " << p90 << " / " << mx << "; " << percentile(trans[key], 0.5) << " / "
              << percentile(trans[key], 1.0) << "\n";
    RecordProperty("noise_median_deg " + key, std::to_string(med));
    RecordProperty("noise_max_deg " + key, std::to_string(mx));
    EXPECT_LT(med, max_median_deg.at(key)) << key;
    EXPECT_LT(mx, max_max_deg.at(key)) << key;
    EXPECT_LT(percentile(trans[key], 0.5), max_median_trans.at(key)) << key;
  }
  EXPECT_EQ(n, 2 * int(grid().size()));
  EXPECT_EQ(cost_above_truth, 0);
  EXPECT_EQ(start_path_worse, 0);
}

TEST(HeadPoseSynthetic, StartPoseBehindCameraFallsBackToClosedForm) {
  // Current behaviour of head_pose.cpp: an unusable start (a point behind
  // the camera) falls back to the closed-form start rather than failing.
  const auto& model = test_model();
  const auto cam = posecheck::camera_for_image(640, 480);
  const Pose truth = make_pose(30, -10, 5, 600);
  const auto m = subset(model.points, posecheck::central_face_indices());
  const auto img = posecheck::project_points(m, truth, cam);
  Pose behind = truth;
  behind.translation.z() = -600;
  const PoseEstimate e = posecheck::solve_pose(m, img, cam, {}, &behind);
  expect_valid_pose(e, m, "start behind the camera");
  EXPECT_LT(rotation_error(e.pose.rotation, truth.rotation), 1e-6);
}

TEST(HeadPoseSynthetic, IterationLimit) {
  const auto& model = test_model();
  const auto cam = posecheck::camera_for_image(640, 480);
  const Pose truth = make_pose(60, 30, 30, 300);
  const auto m = subset(model.points, posecheck::whole_face_indices());
  const auto img = posecheck::project_points(m, truth, cam);
  posecheck::PoseSolverOptions one;
  one.max_iterations = 1;
  const PoseEstimate e = posecheck::solve_pose(m, img, cam, one);
  expect_valid_pose(e, m, "one iteration");
  EXPECT_EQ(e.iterations, 1);
  EXPECT_FALSE(e.converged);
  EXPECT_GT(e.rms_px, 1e-3);  // the closed-form start is not exact under perspective
}

// ---- degenerate inputs -----------------------------------------------------------

void expect_failure(const PoseEstimate& e, const std::string& what, const std::string& needle = "") {
  EXPECT_FALSE(e.ok) << what;
  EXPECT_FALSE(e.failure.empty()) << what;
  if (!needle.empty()) {
    EXPECT_NE(e.failure.find(needle), std::string::npos) << what << ": '" << e.failure << "'";
  }
  // Never a pose: every pose field keeps its default.
  EXPECT_EQ(e.pose.rotation, Eigen::Matrix3d::Identity()) << what;
  EXPECT_EQ(e.pose.translation, Eigen::Vector3d::Zero()) << what;
  EXPECT_EQ(e.rotation_vector, Eigen::Vector3d::Zero()) << what;
  EXPECT_EQ(e.rms_px, 0) << what;
  EXPECT_FALSE(e.converged) << what;
}

// ---- cameras (geometry.h) -------------------------------------------------------

// The two poses of a face in an image of w x h pixels, with the given camera.
std::pair<PoseEstimate, PoseEstimate> both_poses(const posecheck::Landmarks& lm, posecheck::CameraModel model, int w, int h) {
  const auto face = synthetic_face();
  const CameraIntrinsics cam = posecheck::camera_for(model, lm, w, h);
  std::vector<Point2> image(lm.begin(), lm.end());
  const PoseEstimate whole = posecheck::solve_pose(subset(face, posecheck::whole_face_indices()),
                                                   subset(image, posecheck::whole_face_indices()), cam);
  const PoseEstimate central = posecheck::solve_pose(subset(face, posecheck::central_face_indices()),
                                                     subset(image, posecheck::central_face_indices()), cam, {}, &whole.pose);
  return {whole, central};
}

TEST(Camera, FaceCameraFollowsTheLandmarks) {
  posecheck::Landmarks lm;
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) lm[i] = Point2(i % 2 ? 110 : 90, i < 34 ? 190 : 210);
  const posecheck::LandmarkFrame f = posecheck::landmark_frame(lm);
  EXPECT_NEAR(f.centroid.x(), 100, 1e-12);
  EXPECT_NEAR(f.centroid.y(), 200, 1e-12);
  EXPECT_NEAR(f.spread, std::sqrt(200.0), 1e-12);
  const CameraIntrinsics c = posecheck::camera_for_face(lm);
  EXPECT_DOUBLE_EQ(c.cx, 100);
  EXPECT_DOUBLE_EQ(c.cy, 200);
  EXPECT_DOUBLE_EQ(c.fx, posecheck::kFaceCameraFocalPerSpread * std::sqrt(200.0));
  EXPECT_DOUBLE_EQ(c.fy, c.fx);
  posecheck::Landmarks same;
  same.fill(Point2(5, 5));
  EXPECT_THROW(posecheck::camera_for_face(same), posecheck::Error);
  EXPECT_EQ(posecheck::parse_camera_model("paper"), posecheck::CameraModel::kPaper);
  EXPECT_EQ(posecheck::parse_camera_model("face"), posecheck::CameraModel::kFace);
  EXPECT_THROW(posecheck::parse_camera_model("Face"), posecheck::Error);
  EXPECT_STREQ(posecheck::camera_model_name(posecheck::CameraModel::kFace), "face");
}

// Padding, letterboxing, cropping and rescaling move and scale the landmarks
// of a face; the face camera's poses must not change, the paper camera's do.
TEST(Camera, FaceCameraPosesDoNotDependOnFramingOrScale) {
  const auto face = synthetic_face();
  Pose truth;
  truth.rotation = posecheck::rotation_matrix(Eigen::Vector3d(0.15, -0.35, 0.05));
  truth.translation = Eigen::Vector3d(-90, 40, 900);
  const auto cam = posecheck::camera_for_image(640, 480);
  auto proj = posecheck::project_points(face, truth, cam);
  std::mt19937_64 rng(12);
  std::normal_distribution<double> noise(0, 0.8);  // real landmarks are noisy: the splice signal must survive framing anyway
  posecheck::Landmarks lm;
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) lm[i] = proj[i] + Point2(noise(rng), noise(rng));
  const auto [w0, c0] = both_poses(lm, posecheck::CameraModel::kFace, 640, 480);
  const auto [pw0, pc0] = both_poses(lm, posecheck::CameraModel::kPaper, 640, 480);
  ASSERT_TRUE(w0.ok && c0.ok && pw0.ok && pc0.ok);
  struct Framing { const char* what; double scale, dx, dy; int w, h; };
  const Framing framings[] = {{"pad right 50%", 1, 0, 0, 960, 480}, {"pad all round 25%", 1, 160, 120, 960, 720},
                              {"letterbox 16:9", 1, 107, 0, 854, 480}, {"crop", 1, -150, -80, 400, 330},
                              {"rescale 0.75x", 0.75, 0, 0, 480, 360}, {"rescale 1.5x", 1.5, 0, 0, 960, 720}};
  for (const auto& f : framings) {
    posecheck::Landmarks moved;
    for (int i = 0; i < posecheck::kNumLandmarks; ++i) moved[i] = f.scale * lm[i] + Point2(f.dx, f.dy);
    const auto [w, c] = both_poses(moved, posecheck::CameraModel::kFace, f.w, f.h);
    ASSERT_TRUE(w.ok && c.ok) << f.what;
    EXPECT_LT(rotation_error(w.pose.rotation, w0.pose.rotation), 1e-7) << f.what;
    EXPECT_LT(rotation_error(c.pose.rotation, c0.pose.rotation), 1e-7) << f.what;
    // The feature the classifier sees: the rotation difference of the two poses.
    EXPECT_LT(((w.pose.rotation - c.pose.rotation) - (w0.pose.rotation - c0.pose.rotation)).norm(), 1e-7) << f.what;
    const auto [pw, pc] = both_poses(moved, posecheck::CameraModel::kPaper, f.w, f.h);
    ASSERT_TRUE(pw.ok && pc.ok) << f.what;
    if (f.scale != 1) {
      // A pure rescale scales the paper's focal length and centre too: it is
      // invariant as well (what moves P(fake) there is landmark noise).
      EXPECT_LT(rotation_error(pw.pose.rotation, pw0.pose.rotation), 1e-7) << f.what;
    } else {
      // Padding and cropping move the face relative to the paper's camera:
      // it sees the same face from another angle, by degrees.
      EXPECT_GT(rotation_error(pw.pose.rotation, pw0.pose.rotation), 0.5 * kDeg) << f.what;
    }
  }
}

TEST(HeadPoseDegenerate, Inputs) {
  const auto& model = test_model();
  const auto cam = posecheck::camera_for_image(640, 480);
  const Pose truth = make_pose(10, 5, 0, 600);
  const auto m = subset(model.points, posecheck::whole_face_indices());
  const auto img = posecheck::project_points(m, truth, cam);
  ASSERT_TRUE(posecheck::solve_pose(m, img, cam).ok);  // the baseline works

  for (std::size_t k : {0u, 1u, 3u}) {
    expect_failure(posecheck::solve_pose({m.begin(), m.begin() + k}, {img.begin(), img.begin() + k}, cam),
                   std::to_string(k) + " points", "at least 4");
  }
  expect_failure(posecheck::solve_pose(m, {img.begin(), img.end() - 1}, cam), "one image point fewer", "differ");
  expect_failure(posecheck::solve_pose({m.begin(), m.end() - 1}, img, cam), "one model point fewer", "differ");

  for (double f : {0.0, -640.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    auto c = cam;
    c.fx = f;
    expect_failure(posecheck::solve_pose(m, img, c), "fx = " + std::to_string(f), "focal");
    c = cam;
    c.fy = f;
    expect_failure(posecheck::solve_pose(m, img, c), "fy = " + std::to_string(f), "focal");
  }
  {
    auto c = cam;
    c.cx = std::nan("");
    expect_failure(posecheck::solve_pose(m, img, c), "cx NaN");
  }
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    auto m2 = m;
    m2[7].z() = bad;
    expect_failure(posecheck::solve_pose(m2, img, cam), "non-finite model point", "finite");
    auto i2 = img;
    i2[3].x() = bad;
    expect_failure(posecheck::solve_pose(m, i2, cam), "non-finite image point", "finite");
  }
  {
    posecheck::PoseSolverOptions o;
    o.max_iterations = 0;
    expect_failure(posecheck::solve_pose(m, img, cam, o), "max_iterations 0");
  }
  // Collinear image points (all on one line), and all coincident.
  {
    std::vector<Point2> line(m.size()), same(m.size(), Point2(300, 200));
    for (std::size_t i = 0; i < m.size(); ++i) line[i] = Point2(100 + 3.0 * i, 50 + 2.0 * i);
    expect_failure(posecheck::solve_pose(m, line, cam), "collinear image points", "collinear");
    expect_failure(posecheck::solve_pose(m, same, cam), "coincident image points");
  }
  // Collinear and coplanar 3D points. A face model is never planar; this
  // solver's closed-form start needs a 3D spread and reports a plane as a
  // failure (OpenCV would switch to a homography start instead).
  {
    std::vector<Point3> col(m.size()), plane(m.size());
    for (std::size_t i = 0; i < m.size(); ++i) {
      col[i] = Point3(2.0 * i, -1.0 * i, 0.5 * i);
      plane[i] = Point3(m[i].x(), m[i].y(), 0.2 * m[i].x() - 0.1 * m[i].y() + 7);
    }
    expect_failure(posecheck::solve_pose(col, posecheck::project_points(col, truth, cam), cam), "collinear 3D points", "collinear");
    expect_failure(posecheck::solve_pose(plane, posecheck::project_points(plane, truth, cam), cam), "coplanar 3D points", "coplanar");
    std::vector<Point3> one(m.size(), Point3(1, 2, 3));
    expect_failure(posecheck::solve_pose(one, img, cam), "coincident 3D points");
  }
}

// ---- OpenCV oracle on real landmarks (needs ../shared) ---------------------------

struct Face {
  std::string path;
  int width = 0, height = 0;
  std::vector<Point2> points;  // 0-based pixel coordinates
};

// AFW faces: .pts (1-based pixel coordinates) and original image sizes.
std::vector<Face> load_afw(const std::string& shared_300w) {
  std::vector<Face> faces;
  std::istringstream csv(posecheck_test::read_file(shared_300w + "/pts_manifest.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "path,subset,image_width,image_height");
  while (std::getline(csv, line)) {
    std::istringstream ls(line);
    std::string path, sub, w, h;
    std::getline(ls, path, ',');
    std::getline(ls, sub, ',');
    std::getline(ls, w, ',');
    std::getline(ls, h, ',');
    if (sub != "afw") continue;
    Face f;
    f.path = path;
    f.width = std::stoi(w);
    f.height = std::stoi(h);
    std::istringstream pts(posecheck_test::read_file(shared_300w + "/" + path));
    double x, y;
    while (pts >> x >> y) f.points.emplace_back(x - 1, y - 1);
    EXPECT_EQ(f.points.size(), 68u) << path;
    if (f.points.size() == 68) faces.push_back(f);
  }
  return faces;
}

cv::Mat camera_matrix(const CameraIntrinsics& c) {
  return (cv::Mat_<double>(3, 3) << c.fx, 0, c.cx, 0, c.fy, c.cy, 0, 0, 1);
}

std::vector<cv::Point3d> cv3(const std::vector<Point3>& v) {
  std::vector<cv::Point3d> o;
  for (const auto& p : v) o.emplace_back(p.x(), p.y(), p.z());
  return o;
}

std::vector<cv::Point2d> cv2d(const std::vector<Point2>& v) {
  std::vector<cv::Point2d> o;
  for (const auto& p : v) o.emplace_back(p.x(), p.y());
  return o;
}

Pose from_cv(const cv::Mat& rvec, const cv::Mat& tvec) {
  Pose p;
  p.rotation = posecheck::rotation_matrix(Eigen::Vector3d(rvec.at<double>(0), rvec.at<double>(1), rvec.at<double>(2)));
  p.translation = Eigen::Vector3d(tvec.at<double>(0), tvec.at<double>(1), tvec.at<double>(2));
  return p;
}

class OpenCvOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string p300 = posecheck_test::shared_data_path("data/faces300w/pts_manifest.csv");
    const std::string pref = posecheck_test::shared_data_path("data/reference/model_landmark.txt");
    if (p300.empty() || pref.empty()) {
      GTEST_SKIP() << "needs ../shared/data/faces300w/pts_manifest.csv + pts/afw and ../shared/data/reference/model_landmark.txt"
                   << " (absent under " << posecheck_test::shared_root() << "; set POSECHECK_SHARED): OpenCV oracle on AFW landmarks";
    }
    faces_ = load_afw(p300.substr(0, p300.rfind('/')));
    const auto fm = posecheck::parse_column_major_204(posecheck_test::read_file(pref));
    model_.assign(fm.points.begin(), fm.points.end());
    ASSERT_EQ(faces_.size(), 337u);
  }
  std::vector<Face> faces_;
  std::vector<Point3> model_;
};

// Ours (default options, closed-form start) against OpenCV's iterative
// solvePnP started from our pose: OpenCV's LM should find nothing better.
// Measured on AFW with the stored model: whole 0 and central 1 of 337 faces
// beyond 1e-3; that one (pts/afw/4538917191_23, rms 12 px) is a long, flat
// valley where our LM is still descending after the default 100 iterations
// and says so (converged = false; the checker then refuses to judge the
// face). With a larger budget it converges (588 iterations) below OpenCV's cost.
TEST_F(OpenCvOracle, AgreesWithSolvePnPStartedFromOurPose) {
  const cv::Mat no_dist;
  posecheck::PoseSolverOptions long_budget;
  long_budget.max_iterations = 100000;
  for (const auto& [sname, idx] : subsets()) {
    const auto m = subset(model_, idx);
    const auto obj = cv3(m);
    std::vector<double> rot_diff, t_diff;
    int disagree = 0, ours_worse = 0, not_converged = 0;
    double worst_rel_cost_excess = -1;
    for (const auto& f : faces_) {
      const auto img = subset(f.points, idx);
      const auto cam = posecheck::camera_for_image(f.width, f.height);
      const PoseEstimate e = posecheck::solve_pose(m, img, cam);
      expect_valid_pose(e, m, sname + " " + f.path);
      if (!e.ok) continue;
      cv::Mat rvec = (cv::Mat_<double>(3, 1) << e.rotation_vector.x(), e.rotation_vector.y(), e.rotation_vector.z());
      cv::Mat tvec = (cv::Mat_<double>(3, 1) << e.pose.translation.x(), e.pose.translation.y(), e.pose.translation.z());
      ASSERT_TRUE(cv::solvePnP(obj, cv2d(img), camera_matrix(cam), no_dist, rvec, tvec, true, cv::SOLVEPNP_ITERATIVE));
      const Pose theirs = from_cv(rvec, tvec);
      const double rd = rotation_error(e.pose.rotation, theirs.rotation);
      const double td = (e.pose.translation - theirs.translation).norm() / e.pose.translation.norm();
      rot_diff.push_back(rd);
      t_diff.push_back(td);
      const double c_cv = cost(m, img, cam, theirs);
      double c_ours = cost(m, img, cam, e.pose);
      std::string note;
      if (!e.converged) {
        // Not converged within the default budget: judge the solver by where it ends when allowed to finish.
        ++not_converged;
        const PoseEstimate full = posecheck::solve_pose(m, img, cam, long_budget);
        expect_valid_pose(full, m, sname + " " + f.path + " (long budget)");
        EXPECT_TRUE(full.converged) << sname << " " << f.path << " after " << full.iterations << " iterations";
        note = " (ours not converged after " + std::to_string(e.iterations) + " iterations at cost " + std::to_string(c_ours) +
               "; converged after " + std::to_string(full.iterations) + ")";
        c_ours = cost(m, img, cam, full.pose);
      }
      const double excess = (c_ours - c_cv) / c_cv;
      worst_rel_cost_excess = std::max(worst_rel_cost_excess, excess);
      if (rd > 1e-3 || td > 1e-3) {
        ++disagree;
        std::cout << "  [" << sname << "] " << f.path << ": rotation diff " << rd << " rad, translation diff " << td
                  << ", cost ours " << c_ours << " OpenCV " << c_cv << note << "\n";
      }
      if (excess > 1e-6) {
        ++ours_worse;
        ADD_FAILURE() << sname << " " << f.path << ": our cost " << c_ours << " exceeds OpenCV's " << c_cv << note;
      }
    }
    std::cout << "[ OpenCV oracle, " << sname << " ] " << rot_diff.size() << " AFW faces; rotation diff (rad) median "
              << percentile(rot_diff, 0.5) << " p99 " << percentile(rot_diff, 0.99) << " max " << percentile(rot_diff, 1.0)
              << "; relative translation diff median " << percentile(t_diff, 0.5) << " p99 " << percentile(t_diff, 0.99)
              << " max " << percentile(t_diff, 1.0) << "; beyond 1e-3: " << disagree << "; not converged in "
              << posecheck::PoseSolverOptions{}.max_iterations << " iterations: " << not_converged
              << "; worst relative cost excess of ours " << worst_rel_cost_excess << "\n";
    RecordProperty("oracle_" + sname + "_max_rotation_diff_rad", std::to_string(percentile(rot_diff, 1.0)));
    RecordProperty("oracle_" + sname + "_disagreements", disagree);
    RecordProperty("oracle_" + sname + "_not_converged", not_converged);
    EXPECT_EQ(rot_diff.size(), faces_.size());
    // "Nearly all": at most 1% of faces may end elsewhere or unconverged, and
    // never (given the budget to finish) above OpenCV's cost.
    EXPECT_LE(disagree, int(faces_.size()) / 100) << sname;
    EXPECT_LE(not_converged, int(faces_.size()) / 100) << sname;
    EXPECT_EQ(ours_worse, 0) << sname;
    EXPECT_LT(percentile(rot_diff, 0.99), 1e-5) << sname;
  }
}

TEST_F(OpenCvOracle, DefaultStartBehindCameraShare) {
  // Measurement, not a property of our code: how often OpenCV's iterative
  // solvePnP from its own (DLT) start returns a pose behind the camera, with
  // the model as stored (this project's frame) and z-negated (the authors'
  // code). Our solver must be in front in every case.
  const cv::Mat no_dist;
  for (const bool negate : {false, true}) {
    std::vector<Point3> model = model_;
    if (negate)
      for (auto& p : model) p.z() = -p.z();
    const std::string mname = negate ? "z-negated model" : "model as stored";
    for (const auto& [sname, idx] : subsets()) {
      const auto m = subset(model, idx);
      const auto obj = cv3(m);
      int behind = 0, total = 0;
      std::vector<double> rms_ours;
      for (const auto& f : faces_) {
        const auto img = subset(f.points, idx);
        const auto cam = posecheck::camera_for_image(f.width, f.height);
        cv::Mat rvec, tvec;
        cv::solvePnP(obj, cv2d(img), camera_matrix(cam), no_dist, rvec, tvec, false, cv::SOLVEPNP_ITERATIVE);
        ++total;
        if (tvec.at<double>(2) < 0) ++behind;
        const PoseEstimate e = posecheck::solve_pose(m, img, cam);
        expect_valid_pose(e, m, mname + " " + sname + " " + f.path);
        if (e.ok) rms_ours.push_back(e.rms_px);
      }
      const double share = double(behind) / total;
      std::cout << "[ OpenCV default start, " << mname << ", " << sname << " ] tz < 0 in " << behind << "/" << total << " = "
                << 100 * share << "%; ours: all in front, median rms " << percentile(rms_ours, 0.5) << " px\n";
      RecordProperty("opencv_default_behind_share " + std::string(negate ? "negated " : "stored ") + sname, std::to_string(share));
    }
  }
}

}  // namespace
